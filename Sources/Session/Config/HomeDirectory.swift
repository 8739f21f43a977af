import Issuance
import IssuanceCore

extension Home {
    /// The home as a directory whose permissions are checked (0700, files 0600).
    public static func directory(environment: [String: String]) -> SecureDirectory {
        SecureDirectory(path: path(environment: environment))
    }
}
