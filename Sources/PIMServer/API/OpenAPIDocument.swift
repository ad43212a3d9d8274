import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore

/// The OpenAPI 3.1 document of `/api/v1`, generated from the typed ``Route`` table so that it lists
/// exactly the API routes the router serves (a test checks both directions).
enum OpenAPIDocument {
    /// The document as JSON with sorted keys.
    static let json: Data = {
        (try? JSONSerialization.data(withJSONObject: document(), options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }()

    static var apiRoutes: [Route] { Route.allCases.filter { $0.kind == .api } }

    static func document() -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for route in apiRoutes {
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = operation(route)
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "pim API", "version": "1.0.0",
                "description": "Protection Information Management: the PIM framework, datasets, protected outputs, agreements and shares, and the audit log. "
                    + "Authentication: the session cookie set by POST /login (state-changing calls then need the X-CSRF-Token header "
                    + "with the session's CSRF token), or an API token created at /account/tokens sent as `Authorization: Bearer <token>` "
                    + "(no CSRF token needed).",
            ],
            "servers": [["url": "/"]],
            "paths": paths,
            "components": ["schemas": schemas.merging(accountSchemas) { a, _ in a }, "securitySchemes": [
                "sessionCookie": ["type": "apiKey", "in": "cookie", "name": "pim_session"],
                "bearerToken": ["type": "http", "scheme": "bearer", "description": "An API token from /account/tokens."],
            ]],
        ]
    }

    static func operation(_ route: Route) -> [String: Any] {
        var op: [String: Any] = [
            "operationId": route.rawValue,
            "summary": summary(route),
            "description": "Permission: \(route.permission.rawValue) (roles: \(route.permission.roles.map(\.rawValue).sorted().joined(separator: ", "))).",
            "tags": [tag(route)],
            "responses": responses(route),
        ]
        let params = parameters(route)
        if !params.isEmpty { op["parameters"] = params }
        op["security"] = route.permission.needsSession
            ? [["sessionCookie": [String]()], ["bearerToken": [String]()]] : [[String: [String]]]()
        if let body = requestBody(route) { op["requestBody"] = body }
        return op
    }

    static func summary(_ route: Route) -> String {
        switch route {
        case .apiOpenAPI: "This OpenAPI document"
        case .apiCategories: "The eight PIM categories"
        case .apiCategory: "One PIM category with its matrix elements and share rules"
        case .apiDatasets: "Datasets you may see, with their latest version"
        case .apiDataset: "One dataset: schema with disclosure roles and versions with provenance"
        case .apiDatasetRisk: "Re-identification risk of the latest version (k-anonymity, l-diversity, individual risk)"
        case .apiDatasetAggregate: "Counts by dimensions: small-cell and complementary suppression, or for analysts and partner viewers counts perturbed by the cell-key method (the same cell shows the same count in every table)"
        case .apiDatasetOutput: "The category output (§9) of the latest version, shareable by default"
        case .apiAudit: "Audit events in sequence order"
        case .apiAuditVerify: "Checks every hash and link of the audit chain"
        case .apiDatasetVersions: "Uploads a file (the request body) as a new version, validated as `pim import` does"
        case .apiDatasetExport: "A version's rows as CSV, HXL CSV, JSON or XLSX (formulas neutralised; audited)"
        // Accounts and access
        case .apiUsers: "Users with their roles and status (administrators)"
        case .apiUserCreate: "Creates a user with a role, an optional organisation and a 12+ character password"
        case .apiUser: "One user (administrators)"
        case .apiUserUpdate: "Changes a user's role or organisation, disables/enables (ends their sessions at once), unlocks, or sets a supervisor's team"
        case .apiOrganizations: "Registered organisations (administrators)"
        case .apiOrganizationCreate: "Registers an organisation"
        case .apiTokens: "Your API tokens (administrators: everyone's); never the secret"
        case .apiTokenCreate: "Creates an API token; the secret is in this answer only"
        case .apiTokenRevoke: "Revokes a token (your own; administrators any)"
        case .apiAccountPassword: "Changes your own password (the current one is required; a wrong one counts as a failed sign-in); ends your other sessions and revokes your API tokens. Not with an API token"
        // Sharing
        case .apiAgreements: "Agreements you may see (partner viewers: those their organisation is party to)"
        case .apiAgreementCreate: "Record a draft data-sharing agreement (audited)"
        case .apiAgreement: "One agreement with its status history"
        case .apiAgreementStatus: "Activate (approve), suspend, expire or revoke an agreement (audited)"
        case .apiShares: "Share requests you may see: signed packages and refusals (partner viewers: shares addressed to them)"
        case .apiShareCreate: "Request a share of a dataset under an agreement: a refusal with its reason, or a signed package (audited)"
        case .apiShare: "One share request's outcome"
        case .apiShareDownload: "The signed share package (ZIP); the download is audited as a disclosure"
        case .apiDatasetConsent: "Records or withdraws consent for a purpose for records of a dataset, by record id, as `pim consent` does (audited with counts only); a withdrawal applies to every later share and stops the delivery of packages made before it"
        default: route.rawValue
        }
    }

    static func tag(_ route: Route) -> String {
        switch route {
        case .apiCategories, .apiCategory: "framework"
        case .apiAudit, .apiAuditVerify: "audit"
        case .apiOpenAPI: "meta"
        case .apiUsers, .apiUserCreate, .apiUser, .apiUserUpdate, .apiOrganizations, .apiOrganizationCreate: "administration"
        case .apiTokens, .apiTokenCreate, .apiTokenRevoke, .apiAccountPassword: "tokens"
        case .apiAgreements, .apiAgreementCreate, .apiAgreement, .apiAgreementStatus: "agreements"
        case .apiShares, .apiShareCreate, .apiShare, .apiShareDownload, .apiDatasetConsent: "shares"
        default: "datasets"
        }
    }

    static func parameters(_ route: Route) -> [[String: Any]] {
        var out: [[String: Any]] = []
        for name in pathParameters(route.path) {
            out.append(["name": name, "in": "path", "required": true, "schema": ["type": "string"]])
        }
        func query(_ name: String, _ type: String, _ description: String) {
            out.append(["name": name, "in": "query", "required": false, "schema": ["type": type], "description": description])
        }
        switch route {
        case .apiDatasetRisk:
            query("keys", "string", "Key variables, comma-separated; default the schema's quasi-identifiers.")
            query("sensitive", "string", "Sensitive variables, comma-separated; default from the schema.")
        case .apiDatasetAggregate:
            out.append(["name": "by", "in": "query", "required": true, "schema": ["type": "string"],
                        "description": "Dimensions, comma-separated; each COL or COL=RECODE (age=bands, date=week, month or quarter, COL=top:N, bottom:N or rare:N), as pim aggregate takes them; direct identifiers and household ids are refused."])
            query("min_cell", "integer", "Smallest publishable cell (default: 5, or for a partner the largest minimum cell of its agreements; at least that without microdata permission).")
        case .apiAuditVerify:
            query("anchor", "string", "SEQUENCE:HASH of an event copied out of pim earlier (the `head` of an earlier answer, or the audit page): the answer says whether that event still has that hash, which a rewritten chain cannot fake.")
        case .apiDatasetOutput:
            out.append(["name": "view", "in": "query", "required": false, "schema": ["type": "string", "enum": ["shareable", "internal"]],
                        "description": "shareable (default) or internal (needs microdata permission)."])
        case .apiDatasetVersions:
            out.append(["name": "format", "in": "query", "required": false,
                        "schema": ["type": "string", "enum": ["csv", "hxl", "tsv", "json", "xlsx"]],
                        "description": "Format of the body; without it, the Content-Type says (text/csv, text/tab-separated-values, application/json, the XLSX type)."])
            query("category", "string", "PIM category id of a new dataset (required when creating it).")
            query("purpose", "string", "Defined purpose of a new dataset (required when creating it).")
            query("sensitivity", "string", "low, moderate, high (default) or severe, for a new dataset.")
            query("sheet", "string", "For an XLSX workbook, the sheet to read (default: the first visible one; the answer's warnings name the others).")
            query("delimiter", "string", "For CSV: , ; tab or | (default: recognised from the file).")
            query("allow_ragged", "boolean", "Pad rows with too few fields with empty cells instead of refusing the file (default false); the answer's warnings say how many.")
            query("allow_unknown_tags", "boolean", "Accept columns tagged with hashtags outside the HXL core dictionary (other than #x_…) that the dataset's schema does not declare (default false: they refuse the file).")
            out.append(["name": "mode", "in": "query", "required": false,
                        "schema": ["type": "string", "enum": ["reject", "valid-rows", "import-valid"]],
                        "description": "reject (default): any issue refuses the file; valid-rows: store the valid rows."])
            query("file_name", "string", "The file's name, kept in provenance and used in located issues.")
            for (n, d) in [("source_org", "organisation that collected the data"), ("source_system", "system it came from"),
                           ("method", "method of collection"), ("period_start", "first day covered, yyyy-mm-dd"),
                           ("period_end", "last day covered, yyyy-mm-dd"), ("area", "area covered"),
                           ("received", "date received, yyyy-mm-dd"), ("notes", "quality notes")] {
                query(n, "string", "Provenance: \(d).")
            }
        case .apiDatasetExport:
            out.append(["name": "format", "in": "query", "required": false,
                        "schema": ["type": "string", "enum": ["csv", "hxl", "json", "xlsx"]], "description": "csv (default), hxl, json or xlsx."])
            query("version", "integer", "Version number (default: the latest).")
        case .apiAudit:
            query("offset", "integer", "Events to skip (default 0).")
            query("limit", "integer", "Events to return, 1 to 1000 (default 100).")
            query("actor", "string", "Only events by this user (user name) or stored actor.")
            out.append(["name": "action", "in": "query", "required": false,
                        "schema": ["type": "string", "enum": AuditAction.allCases.map(\.rawValue)], "description": "Only this action."])
            query("dataset", "string", "Only events about this dataset (name).")
            query("from", "string", "From this day (yyyy-mm-dd, UTC) or ISO 8601 instant.")
            query("to", "string", "Up to this day (inclusive) or ISO 8601 instant.")
        default: break
        }
        return out
    }

    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").compactMap { s in s.hasPrefix("{") && s.hasSuffix("}") ? String(s.dropFirst().dropLast()) : nil }
    }

    static func responses(_ route: Route) -> [String: Any] {
        func problem(_ d: String) -> [String: Any] {
            ["description": d, "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]]
        }
        let success: [String: Any] = ["description": "Success", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(schemaName(route))"]]]]
        var r: [String: Any]
        switch route.method {
        case .post where route == .apiAccountPassword: r = ["204": ["description": "Changed"]]
        case .post: r = ["201": success]
        case .delete: r = ["204": ["description": "Done"]]
        default: r = ["200": success]
        }
        if route.permission.needsSession {
            r["401"] = problem("No session, or the session expired")
            r["403"] = problem("Your role may not use this route")
        }
        if !pathParameters(route.path).isEmpty { r["404"] = problem("Missing, or not visible to you") }
        if [.apiDatasetRisk, .apiDatasetAggregate, .apiDatasetOutput, .apiAudit, .apiAuditVerify].contains(route) { r["400"] = problem("Invalid query") }
        if route == .apiDatasetOutput { r["422"] = problem("The data does not fit the category's template") }
        if route.method != .get {
            r["400"] = problem("Invalid body")
            if route.permission.needsSession { r["403"] = problem("Your role may not use this route, or the CSRF token is missing") }
        }
        if [.apiUserCreate, .apiOrganizationCreate].contains(route) { r["409"] = problem("Exists already") }
        switch route {
        case .apiAgreementCreate, .apiShareCreate:
            if route == .apiShareCreate {
                // A refusal is a recorded outcome too (kept, audited, shown later), not an error of the request.
                r["201"] = ["description": "The request's recorded outcome: `outcome` is `shared` (a signed package to download) or `refused` (with `code` and `reason`)",
                            "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Share"]]]]
            }
            r["400"] = problem("The body is not the expected JSON")
            r["403"] = problem("Your role may not use this route, or the CSRF token (X-CSRF-Token header) is missing")
            r["422"] = problem(route == .apiShareCreate ? "No such agreement or dataset, an unknown level, or an unusable recipient key or passphrase" : "The agreement is invalid; the detail lists why")
        case .apiDatasetConsent:
            r["200"] = r["201"]
            r["201"] = nil
            r["422"] = problem("No record id given, an unknown purpose or decision, a date in the future, a dataset without a record id field, or every decision older than the one stored")
        case .apiAgreementStatus:
            r["200"] = r["201"]
            r["201"] = nil
            r["422"] = problem("The agreement's life cycle does not allow this change")
        case .apiShareDownload:
            r["200"] = ["description": "The signed package (a .pimenc file when encrypted for the recipient)", "content": [
                "application/zip": ["schema": ["type": "string", "format": "binary"]],
                "application/octet-stream": ["schema": ["type": "string", "format": "binary"]],
            ]]
            r["422"] = problem("Consent was withdrawn for records of the dataset after the package was made: request a new share")
        case .apiDatasetVersions:
            r["201"] = ["description": "Stored as a new version", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Upload"]]]]
            r["400"] = problem("Invalid query, or a new dataset without category or purpose")
            r["409"] = problem("This exact file (same SHA-256) is already a version of the dataset; nothing stored")
            r["413"] = problem("The file is larger than the server accepts")
            r["422"] = ["description": "Unreadable file, or validation failed (nothing stored); the located issues are in `validation`",
                        "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/ValidationProblem"]]]]
        case .apiDatasetExport:
            r["200"] = ["description": "The rows", "content": [
                "text/csv": ["schema": ["type": "string"]], "application/json": ["schema": ["type": "array", "items": ["type": "object"]]],
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ["schema": ["type": "string", "format": "binary"]],
            ]]
            r["400"] = problem("Invalid format or version")
        default: break
        }
        return r
    }

    static func schemaName(_ route: Route) -> String {
        switch route {
        case .apiOpenAPI: "OpenAPIDocument"
        case .apiCategories: "CategoryList"
        case .apiCategory: "CategoryDetail"
        case .apiDatasets: "DatasetList"
        case .apiDataset: "DatasetDetail"
        case .apiDatasetRisk: "RiskReport"
        case .apiDatasetAggregate: "Aggregate"
        case .apiDatasetOutput: "CategoryReport"
        case .apiAudit: "AuditPage"
        case .apiAuditVerify: "AuditVerification"
        case .apiUsers: "UserList"
        case .apiUser, .apiUserCreate, .apiUserUpdate: "User"
        case .apiOrganizations: "OrganizationList"
        case .apiOrganizationCreate: "Organization"
        case .apiTokens: "TokenList"
        case .apiTokenCreate: "CreatedToken"
        case .apiAgreements: "AgreementList"
        case .apiAgreementCreate, .apiAgreement, .apiAgreementStatus: "Agreement"
        case .apiShares: "ShareList"
        case .apiShareCreate, .apiShare: "Share"
        case .apiDatasetConsent: "ConsentOutcome"
        default: "Object"
        }
    }

    static var validation: [String: Any] { ["type": "object", "properties": [
        "valid": ["type": "boolean"], "rowsRead": ["type": "integer"], "rowsRejected": ["type": "integer"], "issueCount": ["type": "integer"],
        "countsByRule": ["type": "object", "additionalProperties": ["type": "integer"]],
        "issues": ["type": "array", "description": "The first 1000 issues", "items": ["type": "object", "properties": [
            "location": ["type": "string", "description": "FILE:ROW:COLUMN"], "file": ["type": "string"], "row": ["type": "integer"],
            "column": ["type": "string"], "rule": ["type": "string"], "problem": ["type": "string"], "expected": ["type": "string"],
        ]]],
    ]] }

    /// The JSON body of a state-changing route.
    static func requestBody(_ route: Route) -> [String: Any]? {
        let name: String
        switch route {
        case .apiDatasetVersions:
            let binary: [String: Any] = ["schema": ["type": "string", "format": "binary"]]
            return ["required": true, "description": "The file, as it is (no multipart).", "content": [
                "text/csv": binary, "text/tab-separated-values": binary, "application/json": binary, "application/octet-stream": binary,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": binary,
            ]]
        case .apiUserCreate: name = "UserCreate"
        case .apiUserUpdate: name = "UserPatch"
        case .apiOrganizationCreate: name = "OrganizationCreate"
        case .apiTokenCreate: name = "TokenCreate"
        case .apiAccountPassword: name = "PasswordChange"
        case .apiAgreementCreate: name = "NewAgreement"
        case .apiAgreementStatus: name = "StatusChange"
        case .apiShareCreate: name = "ShareRequest"
        case .apiDatasetConsent: name = "ConsentDecisions"
        default: return nil
        }
        return ["required": true, "description": "JSON; with a session cookie send its CSRF token in the X-CSRF-Token header.",
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(name)"]]]]
    }

    static var accountSchemas: [String: Any] {
        let string: [String: Any] = ["type": "string"]
        let date: [String: Any] = ["type": "string", "format": "date-time"]
        let roles = Role.allCases.map(\.rawValue)
        let token: [String: Any] = ["type": "object", "properties": [
            "id": string, "name": string, "user": string, "createdAt": date, "lastUsedAt": date, "expiresAt": date,
            "status": ["type": "string", "enum": ["active", "expired", "revoked"]],
            "scope": ["type": "string", "enum": TokenScope.allCases.map(\.rawValue)],
        ]]
        return [
            "User": ["type": "object", "properties": [
                "name": string, "id": string, "displayName": string, "role": ["type": "string", "enum": roles],
                "organization": string, "disabled": ["type": "boolean"], "locked": ["type": "boolean"], "createdAt": date,
                "team": ["type": "array", "items": string],
            ]],
            "UserList": ["type": "array", "items": ["$ref": "#/components/schemas/User"]],
            "PasswordChange": ["type": "object", "required": ["current", "new"], "properties": [
                "current": string, "new": ["type": "string", "minLength": 12, "description": "At least 12 characters, at most 72 bytes"],
            ]],
            "UserCreate": ["type": "object", "required": ["name", "role", "password"], "properties": [
                "name": string, "displayName": string, "role": ["type": "string", "enum": roles],
                "organization": ["type": "string", "description": "Acronym; required for partner viewers."],
                "password": ["type": "string", "minLength": PasswordHasher.minimumLength],
            ]],
            "UserPatch": ["type": "object", "properties": [
                "role": ["type": "string", "enum": roles], "disabled": ["type": "boolean"], "unlock": ["type": "boolean"],
                "organization": ["type": "string", "description": "An organisation acronym; empty for none."],
                "team": ["type": "array", "items": string, "description": "A supervisor's team: case workers' user names."],
            ]],
            "Organization": ["type": "object", "properties": [
                "id": string, "name": string, "acronym": string, "kind": string, "createdAt": date,
            ]],
            "OrganizationList": ["type": "array", "items": ["$ref": "#/components/schemas/Organization"]],
            "OrganizationCreate": ["type": "object", "required": ["name", "acronym", "kind"], "properties": [
                "name": string, "acronym": string, "kind": ["type": "string", "enum": Organization.Kind.allCases.map(\.rawValue)],
            ]],
            "Token": token,
            "TokenList": ["type": "array", "items": ["$ref": "#/components/schemas/Token"]],
            "TokenCreate": ["type": "object", "required": ["name"], "properties": [
                "name": string, "expiresInDays": ["type": "integer", "minimum": 1, "maximum": 3650],
                "scope": ["type": "string", "enum": TokenScope.allCases.map(\.rawValue),
                          "description": "read: GET and HEAD only; read-write (the default): whatever the user may do."],
            ]],
            "CreatedToken": ["type": "object", "properties": ["token": string, "details": ["$ref": "#/components/schemas/Token"]]],
        ]
    }

    static var version: [String: Any] { ["type": "object", "properties": [
        "number": ["type": "integer"], "rowCount": ["type": "integer"], "createdAt": ["type": "string", "format": "date-time"],
        "provenance": ["type": "object"],
    ]] }

    static var datasetSummary: [String: Any] { ["type": "object", "required": ["name", "category", "sensitivity"], "properties": [
        "name": ["type": "string"], "category": ["type": "string"], "sensitivity": ["type": "string", "enum": ["low", "moderate", "high", "severe"]],
        "purpose": ["type": "string"], "createdAt": ["type": "string", "format": "date-time"], "versionCount": ["type": "integer"],
        "latestVersion": ["$ref": "#/components/schemas/Version"],
    ]] }

    // MARK: Sharing

    static var agreementSchema: [String: Any] { ["type": "object", "properties": [
        "id": ["type": "string"], "status": ["type": "string", "enum": Agreement.Status.allCases.map(\.rawValue)],
        "parties": ["type": "array", "items": ["type": "string"]], "producer": ["type": "string"], "purpose": ["type": "string"],
        "legalBasis": ["type": "string"], "covers": ["type": "array", "items": ["type": "string"]], "level": ["type": "string"],
        "k": ["type": "integer"], "minimumCellSize": ["type": "integer"], "maximumGlobalRisk": ["type": "number"],
        "consentPurpose": ["type": "string"], "retentionDays": ["type": "integer"],
        "validFrom": ["type": "string", "format": "date-time"], "validUntil": ["type": "string", "format": "date-time"],
        "approvedBy": ["type": "string"], "frequency": ["type": "string"], "dimensions": ["type": "array", "items": ["type": "string"]],
        "createdAt": ["type": "string", "format": "date-time"], "createdBy": ["type": "string"],
        "history": ["type": "array", "items": ["type": "object"]],
    ]] }

    static var newAgreementSchema: [String: Any] { ["type": "object", "required": ["id", "parties", "purpose", "legalBasis", "covers", "level"],
        "properties": [
            "id": ["type": "string", "description": "1 to 64 letters, digits, '-', '_', '.'"],
            "parties": ["type": "array", "items": ["type": "string"], "description": "Organisation acronyms, the producer first"],
            "purpose": ["type": "string"],
            "legalBasis": ["type": "string", "enum": Agreement.LegalBasis.allCases.map(\.rawValue)],
            "covers": ["type": "array", "items": ["type": "string"], "description": "Dataset names or PIM category ids"],
            "level": ["type": "string", "enum": DetailLevel.allCases.map(\.rawValue)],
            "k": ["type": "integer", "default": 5], "minimumCellSize": ["type": "integer", "default": 5],
            "maximumGlobalRisk": ["type": "number", "default": 0.03],
            "consentPurpose": ["type": "string", "enum": ConsentPurpose.allCases.map(\.rawValue)],
            "retentionDays": ["type": "integer", "default": 90],
            "validFrom": ["type": "string", "format": "date", "description": "yyyy-mm-dd; default today"],
            "validUntil": ["type": "string", "format": "date", "description": "yyyy-mm-dd, inclusive"],
            "frequency": ["type": "string", "enum": Agreement.Frequency.allCases.map(\.rawValue)],
            "dimensions": ["type": "array", "items": ["type": "string"]],
        ]] }

    static var shareSchema: [String: Any] { ["type": "object", "required": ["id", "outcome"], "properties": [
        "id": ["type": "string"], "outcome": ["type": "string", "enum": ["shared", "refused"]], "agreement": ["type": "string"],
        "dataset": ["type": "string"], "recipient": ["type": "string"], "level": ["type": "string"],
        "created": ["type": "string", "format": "date-time"], "actor": ["type": "string"],
        "records": ["type": "integer", "description": "Rows in the package (an aggregated share's cells)"],
        "recordsShared": ["type": "integer", "description": "Records the package was made from, as the audit trail counts them"],
        "leftOutForConsent": ["type": "integer"], "sha256": ["type": "string"], "bytes": ["type": "integer"],
        "encrypted": ["type": "boolean"], "signerFingerprint": ["type": "string"],
        "download": ["type": "string", "description": "Path of the package, when you may download it"],
        "code": ["type": "string", "description": "Refusal code"], "reason": ["type": "string", "description": "Why it was refused"],
        "dimensions": ["type": "array", "items": ["type": "string"]],
    ]] }

    static var schemas: [String: Any] {
        [
            "Problem": ["type": "object", "required": ["title", "status", "detail"], "properties": [
                "type": ["type": "string"], "title": ["type": "string"], "status": ["type": "integer"], "detail": ["type": "string"],
                "instance": ["type": "string"],
            ]],
            "Object": ["type": "object"],
            "Validation": validation,
            "Upload": ["type": "object", "properties": [
                "dataset": ["type": "string"], "created": ["type": "boolean"], "version": ["$ref": "#/components/schemas/Version"],
                "validation": ["$ref": "#/components/schemas/Validation"],
                "warnings": ["type": "array", "items": ["type": "string"]],
            ]],
            "ValidationProblem": ["type": "object", "required": ["title", "status", "detail"], "properties": [
                "type": ["type": "string"], "title": ["type": "string"], "status": ["type": "integer"], "detail": ["type": "string"],
                "instance": ["type": "string"], "validation": ["$ref": "#/components/schemas/Validation"],
            ]],
            "OpenAPIDocument": ["type": "object"],
            "CategoryList": ["type": "object", "properties": ["rows": ["type": "array", "items": ["type": "object"]]]],
            "CategoryDetail": ["type": "object", "properties": ["category": ["type": "object"], "mergedCategories": ["type": "array"]]],
            "Version": version,
            "DatasetSummary": datasetSummary,
            "DatasetList": ["type": "array", "items": ["$ref": "#/components/schemas/DatasetSummary"]],
            "DatasetDetail": ["type": "object", "properties": [
                "dataset": ["$ref": "#/components/schemas/DatasetSummary"], "fields": ["type": "array", "items": ["type": "object"]],
                "versions": ["type": "array", "items": ["$ref": "#/components/schemas/Version"]],
            ]],
            "RiskReport": ["type": "object", "description": "k-anonymity, l-diversity, individual and household risk (sdcMicro measures)."],
            "Aggregate": ["type": "object", "properties": [
                "dataset": ["type": "string"], "version": ["type": "integer"], "by": ["type": "array", "items": ["type": "string"]],
                "minCell": ["type": "integer"],
                "method": ["type": "string", "enum": ["suppression", "cell-key"],
                           "description": "cell-key: counts perturbed by the cell-key method (analysts and partners), so that tables cannot be differenced to recover small cells."],
                "note": ["type": "string"], "cells": ["type": "integer"], "primarySuppressed": ["type": "integer"],
                "secondarySuppressed": ["type": "integer"], "columns": ["type": "array", "items": ["type": "string"]],
                "rows": ["type": "array", "items": ["type": "array"]],
            ]],
            "CategoryReport": ["type": "object", "properties": [
                "category": ["type": "string"], "title": ["type": "string"], "shareable": ["type": "boolean"],
                "sections": ["type": "array", "items": ["type": "object"]], "notes": ["type": "array", "items": ["type": "string"]],
            ]],
            "AuditPage": ["type": "object", "properties": [
                "total": ["type": "integer"], "offset": ["type": "integer"], "limit": ["type": "integer"],
                "events": ["type": "array", "items": ["type": "object"]],
            ]],
            "Agreement": agreementSchema,
            "AgreementList": ["type": "object", "properties": ["agreements": ["type": "array", "items": ["$ref": "#/components/schemas/Agreement"]]]],
            "NewAgreement": newAgreementSchema,
            "Share": shareSchema,
            "ShareList": ["type": "object", "properties": ["shares": ["type": "array", "items": ["$ref": "#/components/schemas/Share"]]]],
            "ShareRequest": ["type": "object", "required": ["agreement", "dataset"], "properties": [
                "agreement": ["type": "string", "description": "Agreement id"],
                "dataset": ["type": "string", "description": "Dataset name"],
                "recipient": ["type": "string", "description": "Recipient acronym; default the agreement's first recipient"],
                "level": ["type": "string", "enum": DetailLevel.allCases.map(\.rawValue),
                          "description": "Default: the most detailed level the agreement, the category policy and the sensitivity allow"],
                "dimensions": ["type": "array", "items": ["type": "string"],
                               "description": "Aggregated shares: default the agreement's dimensions, else the first two quasi-identifiers"],
                "recipientPublicKey": ["type": "string",
                                       "description": "Encrypt the package to this X25519 public key (PEM, from `pim key recipient`); or give passphrase"],
                "passphrase": ["type": "string", "minLength": 8,
                               "description": "Encrypt the package with this passphrase (scrypt + ChaCha20-Poly1305); never stored"],
            ]],
            "ConsentDecisions": ["type": "object", "required": ["purpose", "decision", "records"], "properties": [
                "purpose": ["type": "string", "enum": ConsentPurpose.allCases.map(\.rawValue)],
                "decision": ["type": "string", "enum": ["granted", "withdrawn"]],
                "records": ["type": "array", "items": ["type": "string"], "description": "Record ids (the dataset's record id field)"],
                "at": ["type": "string", "description": "When the decision was taken (yyyy-mm-dd or ISO 8601; default now; not in the future)"],
            ]],
            "ConsentOutcome": ["type": "object", "properties": [
                "dataset": ["type": "string"], "purpose": ["type": "string"], "decision": ["type": "string"],
                "applied": ["type": "integer"], "superseded": ["type": "integer", "description": "Not applied: a later decision is stored"],
                "unknown": ["type": "integer", "description": "Record ids matching no record of the latest version"],
            ]],
            "StatusChange": ["type": "object", "required": ["status"], "properties": [
                "status": ["type": "string", "enum": Agreement.Status.allCases.map(\.rawValue)],
            ]],
            "AuditVerification": ["type": "object", "properties": [
                "intact": ["type": "boolean"], "events": ["type": "integer"], "brokenAtSequence": ["type": "integer"],
                "reason": ["type": "string"], "description": ["type": "string"],
                "head": ["type": "object", "description": "The newest event: keep it outside pim and give it later as anchor",
                         "properties": ["sequence": ["type": "integer"], "hash": ["type": "string"]]],
                "anchor": ["type": "object", "description": "The anchor asked for; holds is false when that event's hash changed",
                           "properties": ["sequence": ["type": "integer"], "hash": ["type": "string"], "holds": ["type": "boolean"]]],
            ]],
        ]
    }
}
