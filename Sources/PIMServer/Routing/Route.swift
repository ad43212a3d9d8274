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
    // MARK: Sharing (agreements and shares)
    case agreementsPage, agreementForm, agreementCreate, agreementPage, agreementStatus
    case sharesPage, shareForm, shareCreate, sharePage, shareDownload
    case apiAgreements, apiAgreementCreate, apiAgreement, apiAgreementStatus
    case apiShares, apiShareCreate, apiShare, apiShareDownload

    /// What a route returns, which decides how errors and missing sessions are answered.
    public enum Kind: Sendable, Hashable {
        /// An HTML page: errors render as a page, a missing session redirects to `/login`.
        case page
        /// JSON under `/api/v1`: errors are `application/problem+json`, a missing session is a 401.
        case api
        /// A fixed file (CSS, health check).
        case asset
    }

    /// The API's version prefix.
    public static let apiPrefix = "/api/v1"

    public var method: HTTPRequest.Method {
        switch self {
        case .login, .logout: .post
        // Sharing
        case .agreementCreate, .agreementStatus, .shareCreate, .apiAgreementCreate, .apiAgreementStatus, .apiShareCreate: .post
        default: .get
        }
    }

    /// The path with `{parameter}` captures, as Hummingbird and OpenAPI both write them.
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
        }
    }

    public var kind: Kind {
        switch self {
        case .health, .stylesheet: .asset
        case .loginForm, .login, .logout, .home, .frameworkMatrix, .frameworkCategory, .datasetPage, .auditPage: .page
        // Sharing
        case .agreementsPage, .agreementForm, .agreementCreate, .agreementPage, .agreementStatus, .sharesPage, .shareForm,
             .shareCreate, .sharePage, .shareDownload: .page
        default: .api
        }
    }

    /// Who may call the route (see ``Permission`` for the role matrix). Object-level checks (which datasets
    /// a user sees) come on top, in ``DatasetAccess``.
    public var permission: Permission {
        switch self {
        case .health, .stylesheet, .loginForm, .login, .apiOpenAPI: .anyone
        case .logout, .home, .frameworkMatrix, .frameworkCategory, .apiCategories, .apiCategory: .signedIn
        case .datasetPage, .apiDatasets, .apiDataset, .apiDatasetAggregate, .apiDatasetOutput: .browseDatasets
        case .apiDatasetRisk: .analyseMicrodata
        case .auditPage, .apiAudit, .apiAuditVerify: .readAudit
        // Sharing
        case .agreementsPage, .agreementPage, .sharesPage, .sharePage, .apiAgreements, .apiAgreement, .apiShares, .apiShare:
            .readSharing
        case .agreementForm, .agreementCreate, .agreementStatus, .shareForm, .shareCreate, .apiAgreementCreate,
             .apiAgreementStatus, .apiShareCreate: .manageSharing
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
