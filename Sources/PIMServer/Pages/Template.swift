/// The Mustache templates, compiled into the binary as string constants so no resource lookup is needed
/// at run time. `{{x}}` escapes HTML; `{{{x}}}` is used only for HTML pim produced itself (the page body
/// and the server-drawn SVG, whose text is escaped when drawn).
enum Template: String, CaseIterable {
    case layout, login, home, matrix, category, dataset, audit, error
    // MARK: Data pages (web-data)
    case importForm, importPreview, job, risk, anonymize, aggregate, export
    // MARK: Accounts and access
    case adminHome, adminUsers, adminOrganizations, adminRoles, accountTokens, accountPassword
    // MARK: Sharing (sources in Sharing/SharingTemplates.swift)
    case agreements, agreementForm, agreement, shares, shareRows, shareForm, share, consent

    var source: String {
        switch self {
        case .layout: Self.layoutSource
        case .login: Self.loginSource
        case .home: Self.homeSource
        case .matrix: Self.matrixSource
        case .category: Self.categorySource
        case .dataset: Self.datasetSource
        case .audit: Self.auditSource
        case .error: Self.errorSource
        case .importForm: Self.importFormSource
        case .importPreview: Self.importPreviewSource
        case .job: Self.jobSource
        case .risk: Self.riskSource
        case .anonymize: Self.anonymizeSource
        case .aggregate: Self.aggregateSource
        case .export: Self.exportSource
        // Accounts and access
        case .adminHome: Self.adminHomeSource
        case .adminUsers: Self.adminUsersSource
        case .adminOrganizations: Self.adminOrganizationsSource
        case .adminRoles: Self.adminRolesSource
        case .accountTokens: Self.accountTokensSource
        case .accountPassword: Self.accountPasswordSource
        // Sharing
        case .agreements: Self.agreementsSource
        case .agreementForm: Self.agreementFormSource
        case .agreement: Self.agreementSource
        case .shares: Self.sharesSource
        case .shareRows: Self.shareRowsSource
        case .shareForm: Self.shareFormSource
        case .share: Self.shareSource
        case .consent: Self.consentSource
        }
    }

    static let layoutSource = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · pim</title>
        {{#refresh}}<meta http-equiv="refresh" content="1">{{/refresh}}
        <link rel="stylesheet" href="/static/pim.css">
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site">
        <a class="brand" href="/">pim</a>
        {{#user}}
        <nav aria-label="Main"><ul>
        <li><a href="/">Workspace</a></li>
        <li><a href="/framework">Framework</a></li>
        {{#canImport}}<li><a href="/import">Import</a></li>{{/canImport}}
        {{#canReadSharing}}<li><a href="/agreements">Agreements</a></li>
        <li><a href="/shares">Shares</a></li>{{/canReadSharing}}
        {{#canReadAudit}}<li><a href="/audit">Audit log</a></li>{{/canReadAudit}}
        {{#canAdminister}}<li><a href="/admin">Admin</a></li>{{/canAdminister}}
        <li><a href="/account/tokens">API tokens</a></li>
        <li><a href="/account/password">Password</a></li>
        </ul></nav>
        <form id="logout-form" class="signout" method="post" action="/logout">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <span class="who">{{displayName}} <span class="role">{{role}}</span></span>
        <button type="submit">Sign out</button>
        </form>
        {{/user}}
        </header>
        <main id="main">
        {{{body}}}
        </main>
        <footer class="site"><p>pim — Protection Information Management. Works offline; no scripts.</p></footer>
        </body>
        </html>
        """

    static let loginSource = """
        <h1>Sign in</h1>
        {{#error}}<p class="alert" role="alert">{{error}}</p>{{/error}}
        <form class="login" method="post" action="/login">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <p><label for="user_name">User name</label>
        <input id="user_name" name="user_name" autocomplete="username" required></p>
        <p><label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required></p>
        <p><button type="submit">Sign in</button></p>
        </form>
        """

    static let homeSource = """
        <h1>{{workspaceName}}</h1>
        <p class="lede">Country {{country}} · admin levels: {{adminLevels}}</p>
        <p id="freshness-summary" class="{{#gapCount}}alert{{/gapCount}}{{^gapCount}}ok{{/gapCount}}">
        {{#gapCount}}{{gapCount}} of the eight categories have no current data (nothing, or nothing newer than {{recentDays}} days) that you may see.{{/gapCount}}
        {{^gapCount}}Every category has data newer than {{recentDays}} days.{{/gapCount}}</p>
        {{#categories}}
        <section class="category" aria-labelledby="cat-{{id}}">
        <h2 id="cat-{{id}}"><a href="/framework/{{id}}">{{name}}</a></h2>
        <p class="status-{{status}}" data-status="{{status}}">{{statusText}}</p>
        {{#hasDatasets}}
        <table>
        <caption>Datasets of {{name}}</caption>
        <thead><tr><th scope="col">Dataset</th><th scope="col">Sensitivity</th><th scope="col">Latest version</th><th scope="col">Imported</th><th scope="col">Data up to</th><th scope="col" class="num">Age (days)</th><th scope="col" class="num">Rows</th></tr></thead>
        <tbody>
        {{#datasets}}<tr class="{{freshness}}"><td><a href="/datasets/{{name}}">{{name}}</a></td><td>{{sensitivity}}</td><td>{{latestVersion}}</td><td>{{latestDate}}</td><td>{{dataUpTo}}</td><td class="num">{{ageDays}}</td><td class="num">{{rows}}</td></tr>
        {{/datasets}}
        </tbody>
        </table>
        {{/hasDatasets}}
        </section>
        {{/categories}}
        {{#showCoverage}}
        <section aria-labelledby="coverage"><h2 id="coverage">Scenario coverage (§11)</h2>
        <p class="muted">A data need is covered when one of its producing categories has both a registered information system and
        data newer than {{recentDays}} days (by the data's own dates, or the period end recorded at import; not the import date);
        partial when only one of the two; a gap otherwise.</p>
        <table id="scenario-coverage">
        <caption>Must-have and nice-to-have data needs per scenario</caption>
        <thead><tr><th scope="col">Scenario</th><th scope="col" class="num">Covered</th><th scope="col" class="num">Partial</th><th scope="col" class="num">Gaps</th></tr></thead>
        <tbody>
        {{#scenarios}}<tr><td><a href="/?scenario={{id}}#coverage"{{#selected}} aria-current="true"{{/selected}}>{{name}}</a></td><td class="num">{{covered}}</td><td class="num">{{partial}}</td><td class="num">{{gaps}}</td></tr>
        {{/scenarios}}
        </tbody></table>
        {{#scenario}}
        <table id="scenario-detail">
        <caption>{{name}}: data needs</caption>
        <thead><tr><th scope="col">Priority</th><th scope="col">Need</th><th scope="col">Produced by</th><th scope="col">Systems</th><th scope="col">Recent datasets</th><th scope="col">Status</th></tr></thead>
        <tbody>
        {{#lines}}<tr class="status-{{status}}"><td>{{priority}}</td><td>{{need}}</td><td>{{producers}}</td><td>{{systems}}</td><td>{{datasets}}</td><td>{{status}}</td></tr>
        {{/lines}}
        </tbody></table>
        {{/scenario}}
        </section>
        {{/showCoverage}}
        """

    static let matrixSource = """
        <h1>The PIM Matrix</h1>
        <p class="lede">Eight categories, six elements each (§6, §8). Open a category for its full text.</p>
        <form id="framework-search" method="get" action="/framework" role="search">
        <label for="q">Search the framework (which categories produce, share or describe some data)</label>
        <input id="q" name="q" type="search" value="{{query}}" placeholder="e.g. population figures">
        <button type="submit">Search</button>
        </form>
        {{#searched}}
        <section id="search-results" aria-labelledby="results-title"><h2 id="results-title">Results for “{{query}}”</h2>
        {{#hits}}
        <h3><a href="/framework/{{id}}">{{name}}</a>{{#produces}} <span class="badge">produces</span>{{/produces}}{{#shares}} <span class="badge">shares</span>{{/shares}}</h3>
        <ul>{{#matches}}<li><strong>{{element}}</strong> ({{section}}): {{text}}</li>{{/matches}}</ul>
        {{/hits}}
        {{^hits}}<p class="muted">No category's entries match these words.</p>{{/hits}}
        </section>
        {{/searched}}
        <div class="scroll" tabindex="0" role="region" aria-label="PIM Matrix, scrolls sideways">
        <table class="matrix">
        <caption>PIM Matrix: elements by category</caption>
        <thead><tr><th scope="col">Element</th>{{#categories}}<th scope="col"><a href="/framework/{{id}}">{{name}}</a></th>{{/categories}}</tr></thead>
        <tbody>
        {{#rows}}<tr><th scope="row">{{title}}</th>{{#cells}}<td><ul>{{#entries}}<li>{{.}}</li>{{/entries}}</ul></td>{{/cells}}</tr>
        {{/rows}}
        </tbody>
        </table>
        </div>
        """

    static let categorySource = """
        <p class="crumbs"><a href="/framework">PIM Matrix</a> ›</p>
        <h1>{{name}}</h1>
        <p class="lede">{{definition}}</p>
        <p>Status: {{status}} ({{statusSection}})</p>
        {{#explanation}}<p>{{.}}</p>{{/explanation}}
        {{#elements}}
        <section><h2>{{title}}</h2><ul>{{#entries}}<li>{{.}}</li>{{/entries}}</ul></section>
        {{/elements}}
        <section><h2>What may be shared (§10)</h2>
        <table><caption>Share rules of {{name}}</caption>
        <thead><tr><th scope="col">Rule</th><th scope="col">What</th><th scope="col">Level</th></tr></thead>
        <tbody>{{#shares}}<tr><td>{{id}}</td><td>{{what}}</td><td>{{level}}</td></tr>{{/shares}}</tbody>
        </table></section>
        """

    static let datasetSource = """
        <p class="crumbs"><a href="/">Workspace</a> › <a href="/framework/{{categoryID}}">{{categoryName}}</a> ›</p>
        <h1>{{name}}</h1>
        <p class="lede">{{purpose}}</p>
        <p>Sensitivity: <strong>{{sensitivity}}</strong> · created {{createdAt}}</p>
        <section aria-labelledby="schema"><h2 id="schema">Schema</h2>
        <table><caption>Fields and their disclosure roles</caption>
        <thead><tr><th scope="col">Field</th><th scope="col">Label</th><th scope="col">Type</th><th scope="col">Role</th><th scope="col">HXL</th><th scope="col">Required</th></tr></thead>
        <tbody>{{#fields}}<tr><td>{{name}}</td><td>{{label}}</td><td>{{type}}</td><td><span class="tag tag-{{role}}">{{role}}</span></td><td>{{hxl}}</td><td>{{required}}</td></tr>
        {{/fields}}</tbody></table></section>
        <section aria-labelledby="versions"><h2 id="versions">Versions</h2>
        <table><caption>Versions with their provenance</caption>
        <thead><tr><th scope="col" class="num">Version</th><th scope="col" class="num">Rows</th><th scope="col" class="num">Rejected at import</th><th scope="col">Stored</th><th scope="col">Source</th><th scope="col">System</th><th scope="col">Method</th><th scope="col">Period</th><th scope="col">Area</th><th scope="col">File</th><th scope="col">SHA-256</th></tr></thead>
        <tbody>{{#versions}}<tr><td class="num">{{number}}</td><td class="num">{{rows}}</td><td class="num">{{rejected}}</td><td>{{stored}}</td><td>{{source}}</td><td>{{system}}</td><td>{{method}}</td><td>{{period}}</td><td>{{area}}</td><td>{{file}}</td><td><code>{{sha}}</code></td></tr>
        {{/versions}}</tbody></table>
        {{^versions}}<p class="muted">No version yet.</p>{{/versions}}</section>
        <section aria-labelledby="output"><h2 id="output">{{outputTitle}}</h2>
        {{#outputNotes}}<p class="note">{{.}}</p>{{/outputNotes}}
        {{#outputError}}<p class="alert">{{outputError}}</p>{{/outputError}}
        <p><a id="aggregate-link" href="/datasets/{{name}}/aggregate">Table by dimensions</a>{{#riskLink}} · <a id="risk-link" href="/datasets/{{name}}/risk">Re-identification risk of this dataset</a> · <a id="anonymize-link" href="/datasets/{{name}}/anonymize">Anonymisation preview</a> · <a id="export-link" href="/datasets/{{name}}/export">Export</a> · <a id="consent-link" href="/datasets/{{name}}/consent">Consent</a>{{/riskLink}}</p>
        {{#chart}}
        <figure class="chart">
        {{{svg}}}
        <figcaption>{{caption}}</figcaption>
        </figure>
        <table class="compact"><caption>Data of the chart: {{caption}}</caption>
        <thead><tr><th scope="col">Area</th><th scope="col" class="num">{{unit}}</th></tr></thead>
        <tbody>{{#bars}}<tr><td>{{label}}</td><td class="num">{{valueText}}</td></tr>{{/bars}}</tbody></table>
        {{/chart}}
        {{#extraCharts}}
        <figure class="chart">
        {{{svg}}}
        <figcaption>{{caption}}</figcaption>
        </figure>
        <table class="compact"><caption>Data of the chart: {{caption}}</caption>
        <thead><tr>{{#header}}<th scope="col">{{.}}</th>{{/header}}</tr></thead>
        <tbody>{{#rows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/rows}}</tbody></table>
        {{/extraCharts}}
        {{#sections}}
        <h3>{{title}}</h3>
        <div class="scroll" tabindex="0" role="region" aria-label="{{title}}">
        <table><caption>{{title}} (rows {{first}}–{{last}} of {{total}})</caption>
        <thead><tr>{{#columns}}<th scope="col">{{.}}</th>{{/columns}}</tr></thead>
        <tbody>{{#rows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>
        {{/rows}}</tbody></table></div>
        {{#notes}}<p class="note">{{.}}</p>{{/notes}}
        {{/sections}}
        {{#pager}}<nav class="pager" aria-label="Pages of the output tables">{{#previous}}<a rel="prev" href="?page={{previous}}{{viewQuery}}">Previous page</a>{{/previous}} <span>Page {{page}} of {{pages}}</span> {{#next}}<a rel="next" href="?page={{next}}{{viewQuery}}">Next page</a>{{/next}}</nav>{{/pager}}
        {{#canSeeInternal}}<p><a href="?view={{otherView}}">{{otherViewLabel}}</a></p>{{/canSeeInternal}}
        </section>
        """

    static let auditSource = """
        <h1>Audit log</h1>
        <p class="{{chainClass}}" role="status">{{chainStatus}}</p>
        {{#head}}<p id="audit-head">Newest event, as an anchor: <code>{{head}}</code>. Keep a copy outside pim (on paper, in an e-mail): the hashes are not secret, so someone able to edit the database could recompute them all, but not this copy. <code>/api/v1/audit/verify?anchor=…</code> later says whether that event still has that hash.</p>{{/head}}
        {{#filter}}
        <form id="audit-filter" class="filters" method="get" action="/audit">
        <p><label for="actor">Actor (user name)</label> <input id="actor" name="actor" value="{{actor}}"></p>
        <p><label for="action">Action</label> <select id="action" name="action"><option value="">any</option>{{#actions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/actions}}</select></p>
        <p><label for="dataset">Dataset (name)</label> <input id="dataset" name="dataset" value="{{dataset}}"></p>
        <p><label for="from">From</label> <input id="from" name="from" type="date" value="{{from}}"></p>
        <p><label for="to">To</label> <input id="to" name="to" type="date" value="{{to}}"></p>
        <p><button id="audit-filter-submit" type="submit">Filter</button>{{#filtered}} <a href="/audit">Clear the filters</a>{{/filtered}}</p>
        </form>
        {{/filter}}
        {{#filterError}}<p id="audit-filter-error" class="alert" role="alert">{{filterError}}</p>{{/filterError}}
        <div class="scroll" tabindex="0" role="region" aria-label="Audit events">
        <table class="audit"><caption>Events {{first}}–{{last}} of {{total}}, newest first</caption>
        <thead><tr><th scope="col" class="num">#</th><th scope="col">When (UTC)</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Dataset</th><th scope="col" class="num">Records</th><th scope="col">Details</th><th scope="col">Hash</th></tr></thead>
        <tbody>{{#events}}<tr><td class="num">{{sequence}}</td><td class="nowrap">{{at}}</td><td title="{{actorID}}">{{actor}}</td><td class="nowrap">{{action}}</td><td><code title="{{dataset}}">{{datasetShort}}</code></td><td class="num">{{records}}</td><td class="details">{{details}}</td><td><code>{{hash}}</code></td></tr>
        {{/events}}</tbody></table></div>
        {{#pager}}<nav class="pager" aria-label="Pages of the audit log">{{#previous}}<a rel="prev" href="?page={{previous}}{{viewQuery}}">Newer</a>{{/previous}} <span>Page {{page}} of {{pages}}</span> {{#next}}<a rel="next" href="?page={{next}}{{viewQuery}}">Older</a>{{/next}}</nav>{{/pager}}
        """

    static let errorSource = """
        <h1>{{title}}</h1>
        <p>{{detail}}</p>
        <p><a href="{{link}}">{{linkText}}</a></p>
        """
}
