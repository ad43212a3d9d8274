import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore

/// Every route pim serves, in one typed table: its method, path, kind, who may use it and how the
/// OpenAPI document describes it. The router is built from this table only (see ``RouteRegistry``), so
/// a route cannot exist without a permission, and the OpenAPI document cannot drift from the router.
public enum Route: String, Sendable, Hashable, CaseIterable {
    // MARK: Public
    case health, stylesheet, loginForm, login
    // MARK: Pages
    case logout, home, frameworkMatrix, frameworkCategory, datasetPage, auditPage
    // MARK: JSON API
    case apiOpenAPI, apiCategories, apiCategory, apiDatasets, apiDataset, apiDatasetRisk, apiDatasetAggregate
    case apiDatasetOutput, apiAudit, apiAuditVerify
    // MARK: Data: import, jobs, risk, anonymisation, upload and export (web-data)
    case importForm, importUpload, importPreview, importCommit, jobPage
    case datasetRisk, datasetAnonymize, datasetAnonymizeDownload, datasetAggregate, datasetAggregateDownload, datasetExport
    case apiDatasetVersions, apiDatasetExport
    // MARK: Accounts and access (administration, API tokens)
    case adminHome, adminUsers, adminUserCreate, adminUserUpdate, adminOrganizations, adminOrganizationCreate, adminRoles
    case accountTokens, accountTokenCreate, accountTokenRevoke, accountPassword, accountPasswordChange
    case apiUsers, apiUserCreate, apiUser, apiUserUpdate, apiOrganizations, apiOrganizationCreate
    case apiTokens, apiTokenCreate, apiTokenRevoke, apiAccountPassword
    // MARK: Sharing (agreements and shares)
    case agreementsPage, agreementForm, agreementCreate, agreementPage, agreementStatus
    case sharesPage, shareForm, shareCreate, sharePage, shareDownload
    case apiAgreements, apiAgreementCreate, apiAgreement, apiAgreementStatus
    case apiShares, apiShareCreate, apiShare, apiShareDownload
    /// Records or withdraws consent for records of a dataset (QA10: consent could not change while serving).
    case apiDatasetConsent
    /// The same on a page: a form (GET) and its submission (POST).
    case consentForm, consentRecord

    /// What a route returns, which decides how errors and missing sessions are answered.
    public enum Kind: Sendable, Hashable {
        /// An HTML page: errors render as a page, a missing session redirects to `/login`.
        case page
        /// JSON under `/api/v1`: errors are `application/problem+json`, a missing session is a 401.
        case api
        /// A fixed file (CSS, health check).
        case asset
    }

    /// How a POST's body is read before the handler runs.
    public enum BodyKind: Sendable, Hashable {
        /// `application/x-www-form-urlencoded`, up to 64 KB, CSRF token in `csrf_token`.
        case urlEncoded
        /// `multipart/form-data`, files streamed to the upload directory (size limit from the configuration),
        /// CSRF token in the `csrf_token` part.
        case multipart
        /// Left to the handler (a file as the body); the CSRF token must come as the `X-CSRF-Token` header.
        case stream
    }

    public var bodyKind: BodyKind {
        switch self {
        case .importUpload: .multipart
        case .apiDatasetVersions: .stream
        default: .urlEncoded
        }
    }

    /// The API's version prefix.
    public static let apiPrefix = "/api/v1"

    public var method: HTTPRequest.Method {
        switch self {
        case .login, .logout: .post
        case .importUpload, .importCommit, .datasetAnonymizeDownload, .apiDatasetVersions: .post
        // Accounts and access
        case .adminUserCreate, .adminUserUpdate, .adminOrganizationCreate, .accountTokenCreate, .accountTokenRevoke,
             .accountPasswordChange, .apiUserCreate, .apiOrganizationCreate, .apiTokenCreate, .apiAccountPassword: .post
        case .apiUserUpdate: .patch
        case .apiTokenRevoke: .delete
        // Sharing
        case .agreementCreate, .agreementStatus, .shareCreate, .apiAgreementCreate, .apiAgreementStatus, .apiShareCreate,
             .apiDatasetConsent, .consentRecord: .post
        default: .get
        }
    }

    /// The path with `{parameter}` captures, as Hummingbird and OpenAPI both write them.
    /// The methods the routes at `path` (a request's path) answer, e.g. `["GET", "POST"]`; empty when no
    /// route has this path. A `{parameter}` segment of a route matches any one non-empty segment.
    public static func methods(answering path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var methods: Set<String> = []
        for route in allCases {
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: true)
            guard pattern.count == segments.count else { continue }
            if zip(pattern, segments).allSatisfy({ p, s in (p.hasPrefix("{") && p.hasSuffix("}")) || p == s }) {
                methods.insert(route.method.rawValue)
                if route.method == .get { methods.insert(HTTPRequest.Method.head.rawValue) }
            }
        }
        return methods.sorted()
    }

    public var path: String {
        switch self {
        case .health: "/health"
        case .stylesheet: "/static/pim.css"
        case .loginForm, .login: "/login"
        case .logout: "/logout"
        case .home: "/"
        case .frameworkMatrix: "/framework"
        case .frameworkCategory: "/framework/{id}"
        case .datasetPage: "/datasets/{name}"
        case .auditPage: "/audit"
        case .apiOpenAPI: Self.apiPrefix + "/openapi.json"
        case .apiCategories: Self.apiPrefix + "/framework/categories"
        case .apiCategory: Self.apiPrefix + "/framework/categories/{id}"
        case .apiDatasets: Self.apiPrefix + "/datasets"
        case .apiDataset: Self.apiPrefix + "/datasets/{name}"
        case .apiDatasetRisk: Self.apiPrefix + "/datasets/{name}/risk"
        case .apiDatasetAggregate: Self.apiPrefix + "/datasets/{name}/aggregate"
        case .apiDatasetOutput: Self.apiPrefix + "/datasets/{name}/output"
        case .apiAudit: Self.apiPrefix + "/audit"
        case .apiAuditVerify: Self.apiPrefix + "/audit/verify"
        case .importForm, .importUpload: "/import"
        case .importPreview: "/import/{upload}"
        case .importCommit: "/import/{upload}/commit"
        case .jobPage: "/jobs/{job}"
        case .datasetRisk: "/datasets/{name}/risk"
        case .datasetAnonymize: "/datasets/{name}/anonymize"
        case .datasetAnonymizeDownload: "/datasets/{name}/anonymize/download"
        case .datasetAggregate: "/datasets/{name}/aggregate"
        case .datasetAggregateDownload: "/datasets/{name}/aggregate/download"
        case .datasetExport: "/datasets/{name}/export"
        case .apiDatasetVersions: Self.apiPrefix + "/datasets/{name}/versions"
        case .apiDatasetExport: Self.apiPrefix + "/datasets/{name}/export"
        // Accounts and access
        case .adminHome: "/admin"
        case .adminUsers, .adminUserCreate: "/admin/users"
        case .adminUserUpdate: "/admin/users/{name}"
        case .adminOrganizations, .adminOrganizationCreate: "/admin/organizations"
        case .adminRoles: "/admin/roles"
        case .accountTokens, .accountTokenCreate: "/account/tokens"
        case .accountTokenRevoke: "/account/tokens/{id}/revoke"
        case .accountPassword, .accountPasswordChange: "/account/password"
        case .apiAccountPassword: Self.apiPrefix + "/account/password"
        case .apiUsers, .apiUserCreate: Self.apiPrefix + "/users"
        case .apiUser, .apiUserUpdate: Self.apiPrefix + "/users/{name}"
        case .apiOrganizations, .apiOrganizationCreate: Self.apiPrefix + "/organizations"
        case .apiTokens, .apiTokenCreate: Self.apiPrefix + "/tokens"
        case .apiTokenRevoke: Self.apiPrefix + "/tokens/{id}"
        // Sharing
        case .agreementsPage, .agreementCreate: "/agreements"
        case .agreementForm: "/agreements/new"
        case .agreementPage: "/agreements/{id}"
        case .agreementStatus: "/agreements/{id}/status"
        case .sharesPage, .shareCreate: "/shares"
        case .shareForm: "/shares/new"
        case .sharePage: "/shares/{id}"
        case .shareDownload: "/shares/{id}/download"
        case .apiAgreements, .apiAgreementCreate: Self.apiPrefix + "/agreements"
        case .apiAgreement: Self.apiPrefix + "/agreements/{id}"
        case .apiAgreementStatus: Self.apiPrefix + "/agreements/{id}/status"
        case .apiShares, .apiShareCreate: Self.apiPrefix + "/shares"
        case .apiShare: Self.apiPrefix + "/shares/{id}"
        case .apiShareDownload: Self.apiPrefix + "/shares/{id}/download"
        case .apiDatasetConsent: Self.apiPrefix + "/datasets/{name}/consent"
        case .consentForm, .consentRecord: "/datasets/{name}/consent"
        }
    }

    public var kind: Kind {
        switch self {
        case .health, .stylesheet: .asset
        case .loginForm, .login, .logout, .home, .frameworkMatrix, .frameworkCategory, .datasetPage, .auditPage: .page
        case .importForm, .importUpload, .importPreview, .importCommit, .jobPage, .datasetRisk, .datasetAnonymize,
             .datasetAnonymizeDownload, .datasetAggregate, .datasetAggregateDownload, .datasetExport: .page
        // Accounts and access
        case .adminHome, .adminUsers, .adminUserCreate, .adminUserUpdate, .adminOrganizations, .adminOrganizationCreate,
             .adminRoles, .accountTokens, .accountTokenCreate, .accountTokenRevoke, .accountPassword, .accountPasswordChange: .page
        // Sharing
        case .agreementsPage, .agreementForm, .agreementCreate, .agreementPage, .agreementStatus, .sharesPage, .shareForm,
             .shareCreate, .sharePage, .shareDownload, .consentForm, .consentRecord: .page
        default: .api
        }
    }

    /// Who may call the route (see ``Permission`` for the role matrix). Object-level checks (which datasets
    /// a user sees) come on top, in ``DatasetAccess``.
    public var permission: Permission {
        switch self {
        case .health, .stylesheet, .loginForm, .login, .apiOpenAPI: .anyone
        case .logout, .home, .frameworkMatrix, .frameworkCategory, .apiCategories, .apiCategory: .signedIn
        case .datasetPage, .apiDatasets, .apiDataset, .apiDatasetAggregate, .apiDatasetOutput, .datasetAggregate,
             .datasetAggregateDownload: .browseDatasets
        case .apiDatasetRisk: .analyseMicrodata
        case .auditPage, .apiAudit, .apiAuditVerify: .readAudit
        case .importForm, .importUpload, .importPreview, .importCommit, .jobPage, .apiDatasetVersions: .importData
        case .datasetRisk, .datasetAnonymize, .datasetAnonymizeDownload, .apiDatasetExport, .datasetExport: .analyseMicrodata
        // Accounts and access
        case .adminHome, .adminUsers, .adminUserCreate, .adminUserUpdate, .adminOrganizations, .adminOrganizationCreate,
             .adminRoles, .apiUsers, .apiUserCreate, .apiUser, .apiUserUpdate, .apiOrganizations, .apiOrganizationCreate: .administer
        case .accountTokens, .accountTokenCreate, .accountTokenRevoke, .apiTokens, .apiTokenCreate, .apiTokenRevoke,
             .accountPassword, .accountPasswordChange, .apiAccountPassword: .signedIn
        // Sharing
        case .agreementsPage, .agreementPage, .sharesPage, .sharePage, .apiAgreements, .apiAgreement, .apiShares, .apiShare:
            .readSharing
        case .agreementForm, .agreementCreate, .agreementStatus, .shareForm, .shareCreate, .apiAgreementCreate,
             .apiAgreementStatus, .apiShareCreate, .apiDatasetConsent, .consentForm, .consentRecord: .manageSharing
        case .shareDownload, .apiShareDownload: .downloadShares
        }
    }

    /// The route's path with parameters filled in, for links and tests.
    public func path(_ parameters: [String: String]) -> String {
        var p = path
        for (k, v) in parameters { p = p.replacingOccurrences(of: "{\(k)}", with: v) }
        return p
    }
}
