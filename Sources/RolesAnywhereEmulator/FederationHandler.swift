import Foundation
import RolesAnywhere

/// The AWS federation endpoint (`/federation`), as the console sign-in uses it:
/// `getSigninToken` turns session credentials this emulator issued into a sign-in token, and
/// `login` answers 302 to the destination. Each token is accepted once (the emulator's own rule;
/// AWS documents only its 15-minute life).
extension Emulator {
    static let signinTokenLifetime: TimeInterval = 900
    static let sessionDurationRange = SessionDurationPolicy.range

    func federation(_ request: SignableRequest, requestId: String, record: inout RequestRecord) async -> EmulatorResponse {
        func refused(_ message: String) -> EmulatorResponse { .jsonError(400, "InvalidRequest", message, requestId: requestId) }
        guard request.method == "GET" || request.method == "POST",
              let parameters = try? IncomingCreateSession.parameters(request.query) else { return refused("the federation request's query is malformed") }
        switch parameters["Action"] {
        case "getSigninToken":
            if let duration = parameters["SessionDuration"] {
                guard let seconds = Int(duration), Self.sessionDurationRange.contains(seconds) else {
                    return refused("SessionDuration must be \(Self.sessionDurationRange.lowerBound) to \(Self.sessionDurationRange.upperBound) seconds")
                }
                record.durationSeconds = seconds
            }
            guard let json = parameters["Session"], let session = try? JSONDecoder().decode(FederationSession.self, from: Data(json.utf8)) else {
                return refused("Session must be JSON with sessionId, sessionKey and sessionToken")
            }
            record.accessKeyId = session.sessionId
            guard let entry = await sessions.entry(for: session.sessionId), entry.secretAccessKey == SecretBytes(session.sessionKey),
                  entry.sessionToken == SecretBytes(session.sessionToken) else {
                return refused("the session credentials were not issued by this emulator")
            }
            guard entry.expiration > now() else { return refused("the session credentials have expired") }
            if entry.chained, let seconds = record.durationSeconds, seconds > 3600 {
                return refused("SessionDuration must be at most 3600 seconds for credentials from role chaining")
            }
            record.roleArn = entry.roleArn.description
            let token = RandomIdentifier.base64(bytes: 48)
            await sessions.recordSigninToken(token, expires: now().addingTimeInterval(Self.signinTokenLifetime))
            let body = (try? JSONSerialization.data(withJSONObject: ["SigninToken": token])) ?? Data()
            return EmulatorResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(body))
        case "login":
            guard let token = parameters["SigninToken"], let destination = parameters["Destination"],
                  let url = URL(string: destination), url.scheme == "https" || url.scheme == "http" else {
                return refused("login needs SigninToken and an http(s) Destination")
            }
            guard await sessions.spendSigninToken(token, now: now()) else {
                return refused("the sign-in token is unknown, expired or already used")
            }
            return EmulatorResponse(status: 302, headers: [("Location", destination)], body: [])
        default:
            return refused("Action must be getSigninToken or login")
        }
    }
}

/// The `Session` parameter of `getSigninToken`.
struct FederationSession: Decodable {
    let sessionId: String
    let sessionKey: String
    let sessionToken: String
}
