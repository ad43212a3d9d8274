/// Templates of the administration pages and the API-token page. Stable ids for browser tests:
/// `admin-links`, `users`, `user-form`, `organizations`, `organization-form`, `role-matrix`, `token-form`,
/// `new-token`, `tokens`.
extension Template {
    static let adminHomeSource = """
        <h1>Administration</h1>
        <p class="lede">Accounts and access of this workspace. Every change is recorded in the audit log.</p>
        <ul id="admin-links">
        <li><a href="/admin/users">Users</a>: {{users}} ({{disabled}} disabled, {{locked}} locked)</li>
        <li><a href="/admin/organizations">Organisations</a>: {{organizations}}</li>
        <li><a href="/admin/roles">Roles and what they may do</a></li>
        <li><a href="/account/tokens">API tokens</a>: {{activeTokens}} active</li>
        </ul>
        """

    static let adminUsersSource = """
        <p class="crumbs"><a href="/admin">Administration</a> ›</p>
        <h1>Users</h1>
        {{#notice}}<p class="ok" role="status">{{notice}}</p>{{/notice}}
        {{#error}}<p class="alert" role="alert">{{error}}</p>{{/error}}
        <div class="scroll" tabindex="0" role="region" aria-label="Users">
        <table id="users"><caption>Users, their roles and status</caption>
        <thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Organisation</th><th scope="col">Status</th><th scope="col">Change</th></tr></thead>
        <tbody>
        {{#users}}<tr id="user-{{name}}"><th scope="row">{{name}}<br><span class="muted">{{displayName}}</span></th><td>{{role}}</td><td>{{organization}}</td><td>{{status}}</td>
        <td class="actions">
        {{^isSelf}}<form method="post" action="/admin/users/{{name}}"><input type="hidden" name="csrf_token" value="{{csrfToken}}"><input type="hidden" name="change" value="role">
        <label for="role-{{name}}">Role</label> <select id="role-{{name}}" name="role">{{#roleOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/roleOptions}}</select>
        <button type="submit">Change role</button></form>{{/isSelf}}
        <form method="post" action="/admin/users/{{name}}"><input type="hidden" name="csrf_token" value="{{csrfToken}}"><input type="hidden" name="change" value="organization">
        <label for="org-{{name}}">Organisation</label> <select id="org-{{name}}" name="organization"><option value="">none</option>{{#organizationOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/organizationOptions}}</select>
        <button type="submit">Change organisation</button></form>
        {{#isDisabled}}<form method="post" action="/admin/users/{{name}}"><input type="hidden" name="csrf_token" value="{{csrfToken}}"><input type="hidden" name="change" value="enable"><button type="submit" id="enable-{{name}}">Enable</button></form>{{/isDisabled}}
        {{^isSelf}}{{^isDisabled}}<form method="post" action="/admin/users/{{name}}"><input type="hidden" name="csrf_token" value="{{csrfToken}}"><input type="hidden" name="change" value="disable"><button type="submit" id="disable-{{name}}">Disable (signs out at once)</button></form>{{/isDisabled}}{{/isSelf}}
        {{#isLocked}}<form method="post" action="/admin/users/{{name}}"><input type="hidden" name="csrf_token" value="{{csrfToken}}"><input type="hidden" name="change" value="unlock"><button type="submit" id="unlock-{{name}}">Unlock</button></form>{{/isLocked}}
        <form method="post" action="/admin/users/{{name}}"><input type="hidden" name="csrf_token" value="{{csrfToken}}"><input type="hidden" name="change" value="password">
        <label for="password-{{name}}">New password (12+ characters)</label> <input id="password-{{name}}" name="password" type="password" autocomplete="new-password" minlength="12" required>
        <button type="submit">Reset password</button></form>
        {{#isSupervisor}}<form method="post" action="/admin/users/{{name}}"><input type="hidden" name="csrf_token" value="{{csrfToken}}"><input type="hidden" name="change" value="team">
        <label for="team-{{name}}">Team (case workers' user names, comma-separated)</label> <input id="team-{{name}}" name="members" value="{{team}}">
        <button type="submit">Save team</button></form>{{/isSupervisor}}
        </td></tr>
        {{/users}}
        </tbody></table></div>
        <section aria-labelledby="new-user"><h2 id="new-user">Add a user</h2>
        <form id="user-form" method="post" action="/admin/users">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <p><label for="user_name">User name</label> <input id="user_name" name="user_name" required autocomplete="off"></p>
        <p><label for="display_name">Display name</label> <input id="display_name" name="display_name"></p>
        <p><label for="role">Role</label> <select id="role" name="role">{{#roleChoices}}<option value="{{value}}">{{label}}</option>{{/roleChoices}}</select></p>
        <p><label for="organization">Organisation (required for partner viewers)</label> <select id="organization" name="organization"><option value="">none</option>{{#organizationChoices}}<option value="{{value}}">{{label}}</option>{{/organizationChoices}}</select></p>
        <p><label for="password">Password (12+ characters)</label> <input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required></p>
        <p><button type="submit" id="user-submit">Add user</button></p>
        </form></section>
        """

    static let adminOrganizationsSource = """
        <p class="crumbs"><a href="/admin">Administration</a> ›</p>
        <h1>Organisations</h1>
        {{#notice}}<p class="ok" role="status">{{notice}}</p>{{/notice}}
        {{#error}}<p class="alert" role="alert">{{error}}</p>{{/error}}
        <table id="organizations"><caption>Registered organisations</caption>
        <thead><tr><th scope="col">Acronym</th><th scope="col">Name</th><th scope="col">Kind</th><th scope="col" class="num">Users</th></tr></thead>
        <tbody>{{#organizations}}<tr><td>{{acronym}}</td><td>{{name}}</td><td>{{kind}}</td><td class="num">{{users}}</td></tr>
        {{/organizations}}</tbody></table>
        {{^organizations}}<p class="muted">No organisation yet.</p>{{/organizations}}
        <section aria-labelledby="new-org"><h2 id="new-org">Add an organisation</h2>
        <form id="organization-form" method="post" action="/admin/organizations">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <p><label for="org_name">Name</label> <input id="org_name" name="name" required></p>
        <p><label for="acronym">Acronym</label> <input id="acronym" name="acronym" required maxlength="32"></p>
        <p><label for="kind">Kind</label> <select id="kind" name="kind">{{#kinds}}<option value="{{.}}">{{.}}</option>{{/kinds}}</select></p>
        <p><button type="submit" id="organization-submit">Add organisation</button></p>
        </form></section>
        """

    static let adminRolesSource = """
        <p class="crumbs"><a href="/admin">Administration</a> ›</p>
        <h1>Roles and what they may do</h1>
        <p class="lede">Generated from the server's permission table: what you read here is what the server enforces.</p>
        <div class="scroll" tabindex="0" role="region" aria-label="Role matrix">
        <table id="role-matrix"><caption>Permissions by role</caption>
        <thead><tr><th scope="col">Permission</th>{{#roles}}<th scope="col">{{.}}</th>{{/roles}}</tr></thead>
        <tbody>{{#permissions}}<tr><th scope="row"><code>{{name}}</code><br><span class="muted">{{summary}}</span></th>{{#cells}}<td>{{#allowed}}<span aria-label="yes">✓</span>{{/allowed}}{{^allowed}}<span aria-label="no">–</span>{{/allowed}}</td>{{/cells}}</tr>
        {{/permissions}}</tbody></table></div>
        <h2>Object rules</h2>
        <ul>
        <li>A dataset or object you may not see answers exactly like a missing one (404).</li>
        <li>Partner viewers see only what agreements shared with their organisation.</li>
        <li>Case workers and supervisors open case-management datasets only, and only their rows: a row belongs to the case worker named in the dataset's assignment field (HXL tag <code>#x_caseworker</code>, or the field <code>caseworker</code> or <code>assigned_to</code>, holding pim user names). A supervisor sees their own rows and their team's (set on the Users page). Without an assignment field nothing is visible.</li>
        <li>Analysts and roles without microdata permission get cells of at least 5.</li>
        </ul>
        <h2>Routes by permission</h2>
        {{#permissions}}<h3><code>{{name}}</code></h3><ul class="compact">{{#routes}}<li><code>{{.}}</code></li>{{/routes}}</ul>
        {{/permissions}}
        """

    static let accountTokensSource = """
        <h1>API tokens</h1>
        <p class="lede">For scripts and automation: send <code>Authorization: Bearer &lt;token&gt;</code> to <code>/api/v1</code>. A token acts as you, with your role, or only reads (scope <em>read</em>: GET and HEAD, nothing uploaded, shared or changed); it stops working when revoked, expired, or when your account is disabled.</p>
        {{#error}}<p class="alert" role="alert">{{error}}</p>{{/error}}
        {{#created}}<div id="new-token" class="ok" role="status"><p>Token <strong>{{name}}</strong> created. Copy it now: it is shown only once and pim keeps only its hash.</p>
        <p><label for="token-value">Token</label> <input id="token-value" readonly size="70" value="{{secret}}"></p></div>{{/created}}
        <form id="token-form" method="post" action="/account/tokens">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <p><label for="token_name">Name</label> <input id="token_name" name="name" required maxlength="100" placeholder="nightly export"></p>
        <p><label for="expires_in_days">Expires after (days; empty for never)</label> <input id="expires_in_days" name="expires_in_days" type="number" min="1" max="3650"></p>
        <p><label for="token_scope">Scope</label> <select id="token_scope" name="scope"><option value="read-write">read-write: whatever you may do</option><option value="read">read: GET and HEAD only</option></select></p>
        <p><button type="submit" id="token-submit">Create token</button></p>
        </form>
        <table id="tokens"><caption>{{#showOwner}}Every user's tokens{{/showOwner}}{{^showOwner}}Your tokens{{/showOwner}}</caption>
        <thead><tr><th scope="col">Name</th>{{#showOwner}}<th scope="col">User</th>{{/showOwner}}<th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col">Scope</th><th scope="col">Status</th><th scope="col">Revoke</th></tr></thead>
        <tbody>{{#tokens}}<tr id="token-{{id}}"><td>{{name}}</td>{{#showOwner}}<td>{{owner}}</td>{{/showOwner}}<td>{{created}}</td><td>{{lastUsed}}</td><td>{{expires}}</td><td>{{scope}}</td><td>{{status}}</td>
        <td>{{#isActive}}<form method="post" action="/account/tokens/{{id}}/revoke"><input type="hidden" name="csrf_token" value="{{csrfToken}}"><button type="submit" id="revoke-{{id}}">Revoke</button></form>{{/isActive}}</td></tr>
        {{/tokens}}</tbody></table>
        {{^tokens}}<p class="muted">No token yet.</p>{{/tokens}}
        """

    static let accountPasswordSource = """
        <h1>Your password</h1>
        <p class="lede">At least 12 characters (at most 72 bytes). Changing it signs you out everywhere else and revokes your API tokens.</p>
        {{#notice}}<p class="ok" role="status">{{notice}}</p>{{/notice}}
        {{#error}}<p class="alert" role="alert">{{error}}</p>{{/error}}
        <form id="password-form" method="post" action="/account/password">
        <input type="hidden" name="csrf_token" value="{{csrfToken}}">
        <p><label for="current_password">Current password</label> <input id="current_password" name="current_password" type="password" required autocomplete="current-password"></p>
        <p><label for="new_password">New password</label> <input id="new_password" name="new_password" type="password" required minlength="12" autocomplete="new-password"></p>
        <p><label for="repeat_password">New password again</label> <input id="repeat_password" name="repeat_password" type="password" required minlength="12" autocomplete="new-password"></p>
        <p><button type="submit" id="password-submit">Change password</button></p>
        </form>
        """
}
