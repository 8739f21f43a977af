import Hummingbird

/// What a page answers a visitor who may not see it.
struct WebConsoleRefusal: Error {
    let response: Response
}

/// The console's access rule as router middleware, so that no page can forget it: a live session
/// (else the sign-in page), its password replaced (else the password page) unless
/// `pendingPasswordAllowed`, and an administrator for `admin` pages (else 403). The visitor it
/// admits travels in the request context.
struct WebConsoleGuard: RouterMiddleware {
    typealias Context = IssuerRequestContext

    let pages: WebConsolePages
    var admin = false
    var pendingPasswordAllowed = false

    func handle(_ request: Request, context: IssuerRequestContext, next: (Request, IssuerRequestContext) async throws -> Response) async throws -> Response {
        switch await pages.admit(request, admin: admin, pendingPasswordAllowed: pendingPasswordAllowed) {
        case .failure(let refusal):
            return refusal.response
        case .success(let visitor):
            var context = context
            context.visitor = visitor
            return try await next(request, context)
        }
    }
}
