/// Templates of the data pages: import, job progress, risk and the anonymisation preview.
extension Template {
    static let importFormSource = """
        <h1>Import a file</h1>
        <p class="lede">CSV, TSV, JSON or XLSX (KoboToolbox and HXL exports included), up to {{maxSize}}. Nothing is stored
        until you have seen the preview, confirmed the schema and pressed Import.</p>
        {{#error}}<p class="alert" role="alert" id="upload-error">{{error}}</p>{{/error}}
        <form id="upload-form" method="post" action="/import" enctype="multipart/form-data">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <p><label for="file">File</label>
        <input id="file" name="file" type="file" required accept=".csv,.tsv,.tab,.txt,.json,.xlsx,.xlsm"></p>
        <p><label for="sheet">Sheet (a workbook: its name; empty for the first)</label> <input id="sheet" name="sheet">
        <label for="delimiter">Delimiter (CSV)</label> <select id="delimiter" name="delimiter"><option value="">recognise it</option><option value=",">comma ,</option><option value=";">semicolon ;</option><option value="tab">tab</option><option value="|">pipe |</option></select>
        <label for="allow_ragged"><input type="checkbox" id="allow_ragged" name="allow_ragged" value="true"> pad rows with missing fields (instead of refusing the file)</label>
        <label for="allow_unknown_tags"><input type="checkbox" id="allow_unknown_tags" name="allow_unknown_tags" value="true"> accept HXL hashtags outside the core dictionary (instead of refusing the file)</label></p>
        <p><label for="dataset">Dataset name (a new one, or an existing one to add a version)</label>
        <input id="dataset" name="dataset" list="existing-datasets" required value="{{dataset}}" autocomplete="off">
        <datalist id="existing-datasets">{{#datasets}}<option value="{{name}}">{{category}}</option>{{/datasets}}</datalist></p>
        <p><label for="category">Category (for a new dataset)</label>
        <select id="category" name="category">{{#categories}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/categories}}</select></p>
        <p><label for="purpose">Defined purpose (for a new dataset)</label>
        <input id="purpose" name="purpose" value="{{purpose}}" size="60"></p>
        <p><label for="sensitivity">Sensitivity (for a new dataset)</label>
        <select id="sensitivity" name="sensitivity">{{#sensitivities}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/sensitivities}}</select></p>
        <fieldset><legend>Provenance</legend>
        <p><label for="source_org">Source organisation</label> <input id="source_org" name="source_org"></p>
        <p><label for="source_system">Source system</label> <input id="source_system" name="source_system" placeholder="KoboToolbox, proGres, DTM…"></p>
        <p><label for="method">Method of collection</label> <input id="method" name="method"></p>
        <p><label for="period_start">Period start</label> <input id="period_start" name="period_start" type="date"></p>
        <p><label for="period_end">Period end</label> <input id="period_end" name="period_end" type="date"></p>
        <p><label for="area">Area (P-code or name)</label> <input id="area" name="area"></p>
        <p><label for="received">Date received</label> <input id="received" name="received" type="date"></p>
        <p><label for="notes">Quality notes</label> <input id="notes" name="notes" size="60"></p>
        </fieldset>
        <p><button id="upload-submit" type="submit">Upload and preview</button></p>
        </form>
        """

    static let importPreviewSource = """
        <p class="crumbs"><a href="/import">Import</a> ›</p>
        <h1>Preview of {{fileName}}</h1>
        <p class="lede">{{summary}} · SHA-256 <code>{{sha}}</code>… · into {{#isNew}}the new dataset{{/isNew}}{{^isNew}}the existing dataset{{/isNew}} <strong>{{dataset}}</strong> ({{category}})</p>
        {{#duplicate}}<p class="alert" role="alert" id="duplicate">{{duplicate}}</p>{{/duplicate}}
        {{#notes}}<p class="note">{{.}}</p>{{/notes}}
        <section aria-labelledby="preview-title"><h2 id="preview-title">First rows</h2>
        <div class="scroll" tabindex="0" role="region" aria-label="First rows of the file">
        {{#preview}}<table id="preview"><caption>First {{shown}} of {{total}} rows, with the inferred type and HXL tag of each column</caption>
        <thead><tr><th scope="col" class="num">Row</th>{{#columns}}<th scope="col">{{name}}<br><span class="muted">{{type}}</span>{{#hxl}}<br><code>{{hxl}}</code>{{/hxl}}</th>{{/columns}}</tr></thead>
        <tbody>{{#rows}}<tr><td class="num">{{row}}</td>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>
        {{/rows}}</tbody></table>{{/preview}}</div></section>
        <section id="validation" aria-labelledby="validation-title"><h2 id="validation-title">Validation</h2>
        {{#validation}}
        {{#valid}}<p class="ok" role="status">No issues in {{rowsRead}} rows.</p>{{/valid}}
        {{^valid}}<p class="alert" role="status">{{issueSummary}}.</p>
        <table class="compact"><caption>Issues per rule</caption><thead><tr><th scope="col">Rule</th><th scope="col" class="num">Issues</th></tr></thead>
        <tbody>{{#totals}}<tr><td>{{rule}}</td><td class="num">{{count}}</td></tr>{{/totals}}</tbody></table>
        <div class="scroll" tabindex="0" role="region" aria-label="Validation issues">
        <table><caption>The first {{shownIssues}} of {{issueCount}} issues (FILE:ROW:COLUMN as a spreadsheet shows them)</caption>
        <thead><tr><th scope="col">Where</th><th scope="col">Rule</th><th scope="col">Problem</th><th scope="col">Expected</th></tr></thead>
        <tbody>{{#issues}}<tr><td><code>{{location}}</code></td><td>{{rule}}</td><td>{{problem}}</td><td>{{expected}}</td></tr>
        {{/issues}}</tbody></table></div>{{/valid}}
        {{/validation}}
        </section>
        <section aria-labelledby="schema-title"><h2 id="schema-title">Schema</h2>
        <form id="commit-form" method="post" action="/import/{{uploadID}}/commit">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <table><caption>Confirm the disclosure role of each field (direct identifiers are removed before any share; quasi-identifiers are the keys of the risk measures)</caption>
        <thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">HXL</th><th scope="col">Required</th><th scope="col">Disclosure role</th></tr></thead>
        <tbody>{{#fields}}<tr><th scope="row"><label for="role-{{index}}">{{name}}</label></th><td>{{type}}</td><td>{{hxl}}</td><td>{{required}}</td>
        <td><select id="role-{{index}}" name="role.{{name}}">{{#roles}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/roles}}</select></td></tr>
        {{/fields}}</tbody></table>
        {{#isNew}}<p><label for="purpose">Defined purpose of the new dataset</label> <input id="purpose" name="purpose" required value="{{purpose}}" size="60"></p>{{/isNew}}
        <p><label for="mode">When rows have issues</label>
        <select id="mode" name="mode"><option value="reject" selected>reject the whole file</option><option value="valid-rows">import the valid rows, leave out the others</option></select></p>
        <p><button id="commit-submit" type="submit">Import</button></p>
        </form></section>
        """

    static let jobSource = """
        <h1>Import of {{fileName}} into {{dataset}}</h1>
        <p id="progress" role="status">{{phase}}: {{percent}}%</p>
        <p><progress max="100" value="{{percent}}" aria-labelledby="progress">{{percent}}%</progress></p>
        {{#running}}<p class="muted">This page reloads every second until the import has finished.</p>{{/running}}
        {{#succeeded}}<p class="ok">Stored {{rows}} rows as version {{version}}{{#rejected}} ({{rejected}} rows with issues left out){{/rejected}}, in one transaction.</p>
        <p><a id="job-result" href="/datasets/{{dataset}}">Open the dataset {{dataset}}</a></p>{{/succeeded}}
        {{#failed}}<p class="alert" id="job-error" role="alert">{{error}}</p>
        <p>Nothing was stored. <a href="/import/{{uploadID}}">Back to the preview</a> · <a href="/import">Import another file</a></p>{{/failed}}
        """

    static let riskSource = """
        <p class="crumbs"><a href="/datasets/{{name}}">{{name}}</a> ›</p>
        <h1>Re-identification risk of {{name}} (version {{version}})</h1>
        <form id="risk-form" method="get" action="/datasets/{{name}}/risk">
        <fieldset><legend>Key variables (quasi-identifiers an attacker could know)</legend>
        {{#keyBoxes}}<label for="key-{{index}}"><input type="checkbox" id="key-{{index}}" name="keys" value="{{name}}"{{#checked}} checked{{/checked}}> {{name}} <span class="muted">{{role}}</span></label> {{/keyBoxes}}
        </fieldset>
        <fieldset><legend>Sensitive variables (l-diversity)</legend>
        {{#sensitiveBoxes}}<label for="sensitive-{{index}}"><input type="checkbox" id="sensitive-{{index}}" name="sensitive" value="{{name}}"{{#checked}} checked{{/checked}}> {{name}} <span class="muted">{{role}}</span></label> {{/sensitiveBoxes}}
        </fieldset>
        <input type="hidden" name="submitted" value="1">
        <p><button id="risk-submit" type="submit">Measure the risk</button> · <a href="{{anonymizeLink}}">Anonymisation preview</a></p>
        </form>
        {{#error}}<p class="alert" role="alert">{{error}}</p>{{/error}}
        {{#report}}
        <section id="risk-report" aria-labelledby="risk-title"><h2 id="risk-title">Risk report</h2>
        <p>{{recordCount}} records · keys: {{keys}} · sensitive: {{sensitive}} · {{classCount}} equivalence classes, the smallest of {{smallestClass}} records; smallest fk {{minimumFk}}{{#hasMissingKeys}} (missing key values match any category){{/hasMissingKeys}}.</p>
        <table id="k-anonymity"><caption>k-anonymity: records in classes smaller than k</caption>
        <thead><tr><th scope="col" class="num">k</th><th scope="col" class="num">Records violating</th><th scope="col" class="num">Classes violating</th><th scope="col" class="num">Share of records</th></tr></thead>
        <tbody>{{#kRows}}<tr><td class="num">{{k}}</td><td class="num">{{records}}</td><td class="num">{{classes}}</td><td class="num">{{share}}</td></tr>{{/kRows}}</tbody></table>
        <table id="class-sizes" class="compact"><caption>Equivalence classes by size</caption>
        <thead><tr><th scope="col" class="num">Class size</th><th scope="col" class="num">Classes</th></tr></thead>
        <tbody>{{#sizes}}<tr><td class="num">{{size}}</td><td class="num">{{classes}}</td></tr>{{/sizes}}</tbody></table>
        {{#hasL}}<table id="l-diversity"><caption>l-diversity of the sensitive variables</caption>
        <thead><tr><th scope="col">Variable</th><th scope="col" class="num">Smallest distinct l</th><th scope="col" class="num">Smallest entropy l</th><th scope="col" class="num">Smallest recursive l</th><th scope="col">Classes below l = 2 / 3</th></tr></thead>
        <tbody>{{#lRows}}<tr><td>{{sensitive}}</td><td class="num">{{distinct}}</td><td class="num">{{entropy}}</td><td class="num">{{recursive}}</td><td>{{below}}</td></tr>{{/lRows}}</tbody></table>{{/hasL}}
        <table id="individual-risk" class="compact"><caption>Individual and global risk</caption>
        <tbody>{{#individual}}<tr><th scope="row">{{label}}</th><td class="num">{{value}}</td></tr>{{/individual}}</tbody></table>
        {{#hasHousehold}}<table id="household-risk" class="compact"><caption>Household risk</caption>
        <tbody>{{#household}}<tr><th scope="row">{{label}}</th><td class="num">{{value}}</td></tr>{{/household}}</tbody></table>{{/hasHousehold}}
        <div class="scroll" tabindex="0" role="region" aria-label="Riskiest key combinations">
        <table id="combinations"><caption>Key combinations with the most records violating {{combinationK}}-anonymity</caption>
        <thead><tr>{{#keyNames}}<th scope="col">{{.}}</th>{{/keyNames}}<th scope="col" class="num">Records</th><th scope="col" class="num">fk</th></tr></thead>
        <tbody>{{#combinations}}<tr>{{#values}}<td>{{.}}</td>{{/values}}<td class="num">{{records}}</td><td class="num">{{fk}}</td></tr>
        {{/combinations}}</tbody></table></div>
        </section>
        {{/report}}
        """

    static let anonymizeSource = """
        <p class="crumbs"><a href="/datasets/{{name}}">{{name}}</a> › <a href="/datasets/{{name}}/risk">Risk</a> ›</p>
        <h1>Anonymisation preview of {{name}} (version {{version}})</h1>
        <p class="lede">Nothing is stored. The result is measured again; a plan that does not reach its k (or l) is refused.</p>
        <form id="anonymize-form" method="get" action="/datasets/{{name}}/anonymize">
        <fieldset><legend>Key variables</legend>
        {{#keyBoxes}}<label for="key-{{index}}"><input type="checkbox" id="key-{{index}}" name="keys" value="{{name}}"{{#checked}} checked{{/checked}}> {{name}}</label> {{/keyBoxes}}
        </fieldset>
        <p><label for="k">k (every record shares its keys with at least k − 1 others)</label> <input id="k" name="k" type="number" min="2" max="100" value="{{k}}"></p>
        <p><label for="l">l (distinct sensitive values per class; empty for none)</label> <input id="l" name="l" type="number" min="2" max="20" value="{{l}}"></p>
        <p><label for="recode">Recodings, separated by ; (e.g. age=bands; age=bands:0,18,60; date=month; household_size=top:10; nationality=rare:20)</label> <input id="recode" name="recode" value="{{recode}}" size="60"></p>
        <p><label for="generalize">Generalise locations, separated by ; (e.g. adm2_code=adm1)</label> <input id="generalize" name="generalize" value="{{generalize}}" size="40"></p>
        <p><label for="drop">Drop fields (default: the direct identifiers)</label> <input id="drop" name="drop" value="{{drop}}" size="60"></p>
        <p><label for="pseudonymize">Pseudonymise fields (workspace HMAC key)</label> <input id="pseudonymize" name="pseudonymize" value="{{pseudonymize}}" size="40"></p>
        <input type="hidden" name="submitted" value="1">
        <p><button id="anonymize-submit" type="submit">Preview</button></p>
        <p class="muted">Columns: {{columns}}</p>
        </form>
        {{#error}}<p class="alert" role="alert" id="anonymize-error">{{error}}</p>{{/error}}
        {{#hasPreview}}
        <section id="anonymize-preview" aria-labelledby="anon-title"><h2 id="anon-title">Before and after</h2>
        <table id="before-after"><caption>Risk before and after the plan</caption>
        <thead><tr><th scope="col">Measure</th><th scope="col" class="num">Before</th><th scope="col" class="num">After</th></tr></thead>
        <tbody>{{#comparison}}<tr><th scope="row">{{label}}</th><td class="num">{{before}}</td><td class="num">{{after}}</td></tr>{{/comparison}}</tbody></table>
        <p>Dropped: {{dropped}} · pseudonymised: {{pseudonymized}}</p>
        {{#recodes}}<p class="note">Recoding: {{.}}</p>{{/recodes}}
        <table id="information-loss"><caption>Information loss per variable</caption>
        <thead><tr><th scope="col">Variable</th><th scope="col" class="num">Values changed</th><th scope="col" class="num">Values suppressed</th><th scope="col" class="num">Categories before</th><th scope="col" class="num">Categories after</th><th scope="col" class="num">Share suppressed</th></tr></thead>
        <tbody>{{#loss}}<tr><td>{{name}}</td><td class="num">{{changed}}</td><td class="num">{{suppressed}}</td><td class="num">{{before}}</td><td class="num">{{after}}</td><td class="num">{{share}}</td></tr>{{/loss}}</tbody></table>
        <form id="anonymize-download" method="post" action="/datasets/{{name}}/anonymize/download">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        {{#query}}<input type="hidden" name="{{label}}" value="{{value}}">{{/query}}
        <p><button id="anonymize-download-submit" type="submit">Download the anonymised {{rowsAfter}} rows as CSV (audited)</button></p>
        </form>
        </section>
        {{/hasPreview}}
        """

    static let aggregateSource = """
        <p class="crumbs"><a href="/datasets/{{name}}">{{name}}</a> ›</p>
        <h1>Table of {{name}} by dimensions (version {{version}})</h1>
        <form id="aggregate-form" method="get" action="/datasets/{{name}}/aggregate">
        <p><label for="by">Dimensions, comma-separated; each a column or column=recoding (age=bands, date=week, month or quarter, col=top:N, bottom:N or rare:N)</label><br>
        <input id="by" name="by" size="70" value="{{by}}" placeholder="adm1_code,sex,age=bands,date=month" required></p>
        <p class="muted">Columns: {{columns}}</p>
        <p><label for="min_cell">Smallest cell shown</label> <input id="min_cell" name="min_cell" type="number" min="{{floor}}" value="{{minCell}}"></p>
        <p><button id="aggregate-submit" type="submit">Count</button></p>
        </form>
        {{#error}}<p class="alert" role="alert">{{error}}</p>{{/error}}
        {{#result}}
        <section id="aggregate-result" aria-labelledby="aggregate-title"><h2 id="aggregate-title">Counts by {{byText}}</h2>
        <p>{{summary}}</p>
        {{#note}}<p class="note">{{note}}</p>{{/note}}
        <p><a id="aggregate-download" href="{{downloadLink}}">Download as CSV</a></p>
        <div class="scroll" tabindex="0" role="region" aria-label="Counts">
        <table id="aggregate-table"><caption>Counts by {{byText}}; totals in the rows marked Total</caption>
        <thead><tr>{{#headers}}<th scope="col">{{.}}</th>{{/headers}}</tr></thead>
        <tbody>{{#rows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/rows}}</tbody></table></div>
        </section>
        {{/result}}
        """

    static let exportSource = """
        <p class="crumbs"><a href="/datasets/{{name}}">{{name}}</a> ›</p>
        <h1>Export {{name}}</h1>
        <p class="lede">The version's full rows, as stored, for work inside your organisation: cells that a spreadsheet would run as a formula are written so that none runs. The export is recorded in the audit log. To share outside, use an agreement (Shares).</p>
        {{#hasVersions}}
        <form id="export-form" method="get" action="/api/v1/datasets/{{name}}/export">
        <p><label for="version">Version</label> <select id="version" name="version">{{#versions}}<option value="{{number}}"{{#latest}} selected{{/latest}}>{{number}} ({{rows}} rows)</option>{{/versions}}</select></p>
        <p><label for="format">Format</label> <select id="format" name="format"><option value="csv">CSV</option><option value="hxl">CSV with the HXL hashtag row</option><option value="xlsx">Excel (XLSX)</option><option value="json">JSON</option></select></p>
        <p><button id="export-submit" type="submit">Download</button></p>
        </form>
        {{/hasVersions}}
        {{^hasVersions}}<p class="muted">No version yet.</p>{{/hasVersions}}
        """
}
