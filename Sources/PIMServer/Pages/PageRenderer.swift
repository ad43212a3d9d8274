import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import PIMCore

/// Renders pages: a template for the body, wrapped in the layout with the navigation and the sign-out form.
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        for t in Template.allCases { try library.register(t.source, named: t.rawValue) }
        self.library = library
    }

    /// The layout's model.
    struct Layout {
        var title: String
        var body: String
        var user: LayoutUser?
        /// Reload every second (a running import job).
        var refresh: Bool = false
    }

    struct LayoutUser {
        var displayName: String
        var role: String
        var csrfToken: String
        var canReadAudit: Bool
        var canImport: Bool
        var canAdminister: Bool
        var canReadSharing: Bool
    }

    func html(_ template: Template, _ model: Any, title: String, session: Session?, refresh: Bool = false) -> String {
        let body = library.render(model, withTemplate: template.rawValue) ?? ""
        let user = session.flatMap { s in
            s.user.map {
                LayoutUser(displayName: $0.displayName, role: $0.role.rawValue, csrfToken: s.csrfToken,
                           canReadAudit: Permission.readAudit.allows($0.role), canImport: Permission.importData.allows($0.role),
                           canAdminister: Permission.administer.allows($0.role),
                           canReadSharing: Permission.readSharing.allows($0.role))
            }
        }
        return library.render(Layout(title: title, body: body, user: user, refresh: refresh), withTemplate: Template.layout.rawValue) ?? ""
    }

    func response(_ template: Template, _ model: Any, title: String, session: Session?, status: HTTPResponse.Status = .ok,
                  refresh: Bool = false) -> Response {
        Self.htmlResponse(html(template, model, title: title, session: session, refresh: refresh), status: status)
    }

    static func htmlResponse(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    struct ErrorModel {
        var title: String
        var detail: String
        var link: String
        var linkText: String
    }

    func errorPage(_ error: ServerError, session: Session?) -> Response {
        let signedIn = session?.user != nil
        let model = ErrorModel(title: error.title, detail: error.detail, link: signedIn ? "/" : "/login",
                               linkText: signedIn ? "Back to the workspace" : "Sign in")
        var r = response(.error, model, title: error.title, session: session, status: error.status)
        if case .tooManyRequests(let s) = error { r.headers[.retryAfter] = String(s) }
        if case .methodNotAllowed(let allowed) = error { r.headers[.allow] = allowed.joined(separator: ", ") }
        return r
    }
}
