import Crypto
import RolesAnywhere

/// The SHA-256 fingerprint of a certificate's DER bytes, as `rolecall-issuer serve` prints it and
/// `rolecall login --pin-sha256` and `rolecall ca show` take it: lower-case hex, no separators.
public enum CertificateFingerprint {
    public static func sha256(der: [UInt8]) -> String {
        SHA256.hash(data: der).hexString
    }

    /// The fingerprint in the form `sha256(der:)` gives, from one a person typed: upper case and
    /// `AA:BB:…` colons are accepted; anything else is nil.
    public static func normalized(_ text: String) -> String? {
        let hex = text.lowercased().filter { $0 != ":" }
        guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else { return nil }
        return hex
    }
}
