/// The body of `POST /sessions`. Optional members are left out, not sent as null: the service
/// rejects `roleSessionName` unless the profile accepts it.
public struct CreateSessionRequest: Sendable, Equatable, Codable {
    public var durationSeconds: Int
    public var profileArn: String
    public var roleArn: String
    public var trustAnchorArn: String
    public var roleSessionName: String?

    public init(durationSeconds: Int, profileArn: String, roleArn: String, trustAnchorArn: String, roleSessionName: String? = nil) {
        self.durationSeconds = durationSeconds
        self.profileArn = profileArn
        self.roleArn = roleArn
        self.trustAnchorArn = trustAnchorArn
        self.roleSessionName = roleSessionName
    }
}
