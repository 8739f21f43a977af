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

    func record(accessKeyId: String, _ entry: Entry) {
        entries[accessKeyId] = entry
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
