import Foundation
import RolesAnywhere

/// Credentials the emulator has handed out, so STS calls made with them can be checked.
actor IssuedSessions {
    struct Entry {
        let secretAccessKey: SecretBytes
        let sessionToken: SecretBytes
        let roleArn: ARN
        let roleId: String
        let sessionName: String
        let expiration: Date
        /// Made by AssumeRole with temporary credentials: at most 1 h, here and for the console.
        var chained = false
    }

    private var entries: [String: Entry] = [:]
    /// Console sign-in tokens not yet used, with when they expire.
    private var signinTokens: [String: Date] = [:]

    /// New credentials for a session of `roleArn` lasting `seconds` from `now`, remembered so that
    /// STS and the federation endpoint can check them. Returned in the clear: the emulator's answer
    /// carries them.
    struct Issued {
        let accessKeyId: String
        let secretAccessKey: String
        let sessionToken: String
        let roleId: String
        let expiration: Date
    }

    func issue(roleArn: ARN, sessionName: String, seconds: Int, now: Date, chained: Bool) -> Issued {
        let issued = Issued(accessKeyId: RandomIdentifier.accessKeyId(), secretAccessKey: RandomIdentifier.base64(bytes: 30),
                            sessionToken: RandomIdentifier.base64(bytes: 192), roleId: RandomIdentifier.roleId(),
                            expiration: Date(timeIntervalSince1970: (now.timeIntervalSince1970 + Double(seconds)).rounded(.down)))
        entries[issued.accessKeyId] = Entry(secretAccessKey: SecretBytes(issued.secretAccessKey), sessionToken: SecretBytes(issued.sessionToken),
                                            roleArn: roleArn, roleId: issued.roleId, sessionName: sessionName, expiration: issued.expiration,
                                            chained: chained)
        return issued
    }

    func entry(for accessKeyId: String) -> Entry? {
        entries[accessKeyId]
    }

    func recordSigninToken(_ token: String, expires: Date) {
        signinTokens[token] = expires
    }

    /// True once per token, while it has not expired.
    func spendSigninToken(_ token: String, now: Date) -> Bool {
        guard let expires = signinTokens.removeValue(forKey: token) else { return false }
        return expires > now
    }
}
