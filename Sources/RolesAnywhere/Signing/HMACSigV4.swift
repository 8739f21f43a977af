import Crypto

/// Classic SigV4 (`AWS4-HMAC-SHA256`) with an access key's secret: what the emulator checks on
/// STS calls made with the credentials it issued.
public enum HMACSigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// Hex signature of `stringToSign` with the key derived from `secret` and `scope`.
    public static func signature(stringToSign: String, secret: SecretBytes, scope: CredentialScope) -> String {
        let secretKey = secret.withUnsafeBytes { SymmetricKey(data: Array("AWS4".utf8) + Array($0)) }
        var key = secretKey
        for part in [scope.date, scope.region, scope.service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return Array(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key)).hexString
    }
}
