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
    }

    private var entries: [String: Entry] = [:]

    func record(accessKeyId: String, _ entry: Entry) {
        entries[accessKeyId] = entry
    }

    func entry(for accessKeyId: String) -> Entry? {
        entries[accessKeyId]
    }
}
