/// The Mustache templates of the agreements and shares pages (see ``Template``). Stable ids for browser
/// tests: `new-agreement`, `agreement-form`, `new-share`, `share-form`, `share-submit`, `share-refusal`,
/// `share-package`, `share-download`.
extension Template {
    static let consentSource = """
        <p class="crumbs"><a href="/datasets/{{name}}">{{name}}</a> ›</p>
        <h1>Consent for records of {{name}}</h1>
        <p class="lede">Record or withdraw consent for a purpose, by record id ({{idField}}). A withdrawal applies to every later share, and packages made before it are no longer delivered. Audited with counts only.</p>
        {{#hasErrors}}<div id="consent-errors" class="alert" role="alert"><p>Nothing was recorded:</p><ul>{{#errors}}<li>{{.}}</li>{{/errors}}</ul></div>{{/hasErrors}}
        {{#hasResult}}<p id="consent-result" class="ok" role="status">{{result}}</p>{{/hasResult}}
        <form id="consent-form" class="stacked" method="post" action="/datasets/{{name}}/consent">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <p><label for="purpose">Purpose</label> <select id="purpose" name="purpose">{{#purposes}}<option value="{{.}}">{{.}}</option>{{/purposes}}</select></p>
        <p><label for="decision">Decision</label> <select id="decision" name="decision"><option value="granted">granted</option><option value="withdrawn">withdrawn</option></select></p>
        <p><label for="records">Record ids</label> <textarea id="records" name="records" rows="6" cols="40" required aria-describedby="records-hint"></textarea> <span id="records-hint" class="hint">One per line, or separated by commas</span></p>
        <p><label for="at">Decision taken on (optional; default now)</label> <input id="at" name="at" type="date"></p>
        <p><button id="consent-submit" type="submit">Record the decisions</button></p>
        </form>
        """

    static let agreementsSource = """
        <h1>Agreements</h1>
        <p class="lede">Data-sharing agreements: who may receive what, why, at which level of detail, for how long.</p>
        {{#canManage}}<p><a id="new-agreement" href="/agreements/new">New agreement</a></p>{{/canManage}}
        {{#hasAgreements}}
        <div class="scroll" tabindex="0" role="region" aria-label="Agreements">
        <table id="agreements"><caption>Agreements you may see, newest first</caption>
        <thead><tr><th scope="col">Agreement</th><th scope="col">Status</th><th scope="col">Parties</th><th scope="col">Purpose</th><th scope="col">Covers</th><th scope="col">Detail level</th><th scope="col" class="num">Min cell</th><th scope="col">Valid</th></tr></thead>
        <tbody>{{#agreements}}<tr><td><a href="/agreements/{{id}}">{{id}}</a></td><td><span class="tag status-{{status}}">{{status}}</span></td><td>{{parties}}</td><td>{{purpose}}</td><td>{{covers}}</td><td>{{level}}</td><td class="num">{{minCell}}</td><td class="nowrap">{{validity}}</td></tr>
        {{/agreements}}</tbody></table></div>
        {{/hasAgreements}}
        {{^hasAgreements}}<p class="muted">No agreement that you may see.</p>{{/hasAgreements}}
        """

    static let agreementFormSource = """
        <p class="crumbs"><a href="/agreements">Agreements</a> ›</p>
        <h1>New agreement</h1>
        <p class="lede">Recorded as a draft; activate it to share under it. An agreement only narrows what the category's §10 policy and the dataset's sensitivity allow.</p>
        {{#hasErrors}}<div id="agreement-errors" class="alert" role="alert"><p>The agreement was not recorded:</p><ul>{{#errors}}<li>{{.}}</li>{{/errors}}</ul></div>{{/hasErrors}}
        <form id="agreement-form" class="stacked" method="post" action="/agreements">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <p><label for="id">Agreement id</label> <input id="id" name="id" value="{{input.id}}" required maxlength="64" aria-describedby="id-hint"> <span id="id-hint" class="hint">e.g. ISP-2026-03: letters, digits, '-', '_', '.'</span></p>
        <p><label for="parties">Parties</label> <input id="parties" name="parties" value="{{input.parties}}" required aria-describedby="parties-hint"> <span id="parties-hint" class="hint">Acronyms, comma-separated, the producer first. Registered: {{organizations}}</span></p>
        <p><label for="purpose">Purpose</label> <input id="purpose" name="purpose" value="{{input.purpose}}" required></p>
        <p><label for="legal_basis">Legal basis</label> <select id="legal_basis" name="legal_basis">{{#legalBases}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/legalBases}}</select></p>
        <p><label for="covers">Covers</label> <input id="covers" name="covers" value="{{input.covers}}" required aria-describedby="covers-hint"> <span id="covers-hint" class="hint">Dataset names or PIM category ids, comma-separated. Datasets: {{datasets}}</span></p>
        <p><label for="level">Most detailed level</label> <select id="level" name="level">{{#levels}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/levels}}</select></p>
        <p><label for="k">k (k-anonymity of microdata)</label> <input id="k" name="k" type="number" min="2" value="{{input.k}}"></p>
        <p><label for="min_cell">Minimum cell size</label> <input id="min_cell" name="min_cell" type="number" min="1" value="{{input.minCell}}"></p>
        <p><label for="max_risk">Maximum global risk (0 to 1)</label> <input id="max_risk" name="max_risk" value="{{input.maxRisk}}"></p>
        <p><label for="consent_purpose">Consent purpose</label> <select id="consent_purpose" name="consent_purpose">{{#consentPurposes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/consentPurposes}}</select></p>
        <p><label for="retention_days">Retention (days)</label> <input id="retention_days" name="retention_days" type="number" min="1" value="{{input.retentionDays}}"></p>
        <p><label for="valid_from">Valid from</label> <input id="valid_from" name="valid_from" type="date" value="{{input.validFrom}}"></p>
        <p><label for="valid_until">Valid until</label> <input id="valid_until" name="valid_until" type="date" value="{{input.validUntil}}"></p>
        <p><label for="frequency">Schedule</label> <select id="frequency" name="frequency">{{#frequencies}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/frequencies}}</select></p>
        <p><label for="dimensions">Dimensions of aggregated shares</label> <input id="dimensions" name="dimensions" value="{{input.dimensions}}" aria-describedby="dimensions-hint"> <span id="dimensions-hint" class="hint">Columns, comma-separated, e.g. adm1_code,sex</span></p>
        <p><button id="agreement-submit" type="submit">Record the agreement</button></p>
        </form>
        """

    static let agreementSource = """
        <p class="crumbs"><a href="/agreements">Agreements</a> ›</p>
        <h1>Agreement {{a.id}}</h1>
        <p><span id="agreement-status" class="tag status-{{a.status}}">{{a.status}}</span></p>
        {{#hasErrors}}<div id="agreement-errors" class="alert" role="alert"><ul>{{#errors}}<li>{{.}}</li>{{/errors}}</ul></div>{{/hasErrors}}
        <dl class="facts">
        <dt>Purpose</dt><dd>{{a.purpose}}</dd>
        <dt>Legal basis</dt><dd>{{a.legalBasis}}</dd>
        <dt>Parties</dt><dd>{{a.parties}} (producer {{a.producer}})</dd>
        <dt>Covers</dt><dd>{{a.covers}}</dd>
        <dt>Detail level</dt><dd>{{a.level}}</dd>
        <dt>Thresholds</dt><dd>k = {{a.k}}, minimum cell {{a.minCell}}, maximum global risk {{a.maxRisk}}</dd>
        <dt>Consent</dt><dd>{{a.consent}}</dd>
        <dt>Retention</dt><dd>{{a.retentionDays}} days</dd>
        <dt>Valid</dt><dd>{{a.validity}}</dd>
        <dt>Approved by</dt><dd>{{a.approvedBy}}</dd>
        <dt>Schedule</dt><dd>{{a.schedule}}</dd>
        <dt>Recorded</dt><dd>{{a.createdAt}} by {{a.createdBy}}</dd>
        </dl>
        {{#hasHistory}}<h2>History</h2><ul id="agreement-history">{{#history}}<li>{{at}}: {{from}} → {{to}} by {{by}}</li>{{/history}}</ul>{{/hasHistory}}
        {{#canChange}}
        <form id="agreement-status-form" method="post" action="/agreements/{{a.id}}/status">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <p><label for="status">Change status</label> <select id="status" name="status">{{#successors}}<option value="{{.}}">{{.}}</option>{{/successors}}</select>
        <button id="agreement-status-submit" type="submit">Apply</button></p>
        </form>
        {{/canChange}}
        <h2>Shares under this agreement</h2>
        {{#canChange}}<p><a id="agreement-new-share" href="/shares/new?agreement={{a.id}}">Request a share under this agreement</a></p>{{/canChange}}
        {{> shareRows}}
        """

    static let sharesSource = """
        <h1>Shares</h1>
        <p class="lede">Every share request under an agreement: the signed packages and the refusals with their reasons.</p>
        {{#canManage}}<p><a id="new-share" href="/shares/new">Request a share</a></p>{{/canManage}}
        {{> shareRows}}
        """

    static let shareRowsSource = """
        {{#hasShares}}
        <div class="scroll" tabindex="0" role="region" aria-label="Shares">
        <table id="shares"><caption>Share requests, newest first</caption>
        <thead><tr><th scope="col">Share</th><th scope="col">Outcome</th><th scope="col">When (UTC)</th><th scope="col">Agreement</th><th scope="col">Dataset</th><th scope="col">Recipient</th><th scope="col">Level</th><th scope="col" class="num">Rows</th></tr></thead>
        <tbody>{{#shares}}<tr><td><a href="/shares/{{id}}">{{id}}</a></td><td><span class="tag outcome-{{outcome}}">{{outcome}}</span></td><td class="nowrap">{{created}}</td><td>{{agreement}}</td><td>{{dataset}}</td><td>{{recipient}}</td><td>{{level}}</td><td class="num">{{records}}</td></tr>
        {{/shares}}</tbody></table></div>
        {{/hasShares}}
        {{^hasShares}}<p class="muted">No share that you may see.</p>{{/hasShares}}
        """

    static let shareFormSource = """
        <p class="crumbs"><a href="/shares">Shares</a> ›</p>
        <h1>Request a share</h1>
        <p class="lede">pim checks the agreement, the category's §10 policy and the dataset's sensitivity, applies the consent filter and disclosure control, and either refuses with the precise reason or makes a signed package.</p>
        {{#hasErrors}}<div id="share-errors" class="alert" role="alert"><ul>{{#errors}}<li>{{.}}</li>{{/errors}}</ul></div>{{/hasErrors}}
        {{#hasAgreements}}
        <form id="share-form" class="stacked" method="post" action="/shares">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <p><label for="agreement">Agreement</label> <select id="agreement" name="agreement">{{#agreements}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/agreements}}</select></p>
        <p><label for="dataset">Dataset</label> <select id="dataset" name="dataset">{{#datasets}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/datasets}}</select></p>
        <p><label for="recipient">Recipient</label> <select id="recipient" name="recipient"><option value="">The agreement's first recipient</option>{{#recipients}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/recipients}}</select></p>
        <p><label for="level">Level</label> <select id="level" name="level"><option value="">The most detailed level allowed</option>{{#levels}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/levels}}</select></p>
        <p><label for="dimensions">Dimensions (aggregated)</label> <input id="dimensions" name="dimensions" value="{{dimensions}}" aria-describedby="dimensions-hint"> <span id="dimensions-hint" class="hint">Columns, comma-separated; empty: the agreement's dimensions, else the dataset's first two quasi-identifiers</span></p>
        <p><label for="recipient_key">Encrypt to the recipient's public key (optional)</label> <textarea id="recipient_key" name="recipient_key" rows="4" cols="64" aria-describedby="recipient-key-hint"></textarea> <span id="recipient-key-hint" class="hint">An X25519 public key in PEM, made by the recipient with <code>pim key recipient</code>: only they can open the package (<code>pim verify FILE --identity KEY</code>)</span></p>
        <p><label for="passphrase">Or encrypt with a passphrase (optional)</label> <input id="passphrase" name="passphrase" type="password" autocomplete="new-password" aria-describedby="passphrase-hint"> <span id="passphrase-hint" class="hint">At least 8 characters; give it to the recipient another way than the package</span></p>
        <p><button id="share-submit" type="submit">Request the share</button></p>
        </form>
        {{/hasAgreements}}
        {{^hasAgreements}}<p class="muted">No agreement yet. <a href="/agreements/new">Record one first.</a></p>{{/hasAgreements}}
        """

    static let shareSource = """
        <p class="crumbs"><a href="/shares">Shares</a> ›</p>
        <h1>Share {{id}}</h1>
        <dl class="facts">
        <dt>Agreement</dt><dd><a href="/agreements/{{agreement}}">{{agreement}}</a></dd>
        <dt>Dataset</dt><dd>{{dataset}}</dd>
        <dt>Recipient</dt><dd>{{recipient}}</dd>
        <dt>Level</dt><dd>{{level}}</dd>
        <dt>Requested</dt><dd>{{created}} by {{actor}}</dd>
        </dl>
        {{#refusal}}
        <section id="share-refusal" class="alert" role="status">
        <h2>Refused</h2>
        <p id="share-refusal-reason">{{reason}}</p>
        <p class="note">Code: <code>{{code}}</code>. The refusal is recorded in the audit log.</p>
        </section>
        {{/refusal}}
        {{#package}}
        <section id="share-package" class="ok">
        <h2>Signed package</h2>
        <dl class="facts">
        <dt>Records shared</dt><dd id="share-records">{{recordsShared}}</dd>
        <dt>Rows in the package</dt><dd>{{records}}</dd>
        <dt>Left out for lack of consent</dt><dd>{{leftOut}}</dd>
        <dt>Size</dt><dd>{{bytes}} bytes</dd>
        <dt>SHA-256</dt><dd><code>{{sha256}}</code></dd>
        <dt>Signed by key</dt><dd><code>{{fingerprint}}</code> (check with <code>pim verify FILE --public-key PRODUCER-KEY.pem</code>)</dd>
        </dl>
        {{#downloadable}}<p><a id="share-download" href="/shares/{{id}}/download">Download the package</a> (the download is recorded in the audit log)</p>{{/downloadable}}
        {{^downloadable}}<p class="muted">{{noDownloadReason}}</p>{{/downloadable}}
        <details><summary>The producer's public key (to verify the package)</summary>
        <pre id="share-public-key">{{publicKeyPEM}}</pre></details>
        </section>
        {{/package}}
        """
}
