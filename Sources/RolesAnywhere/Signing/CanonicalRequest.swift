import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The parts of an HTTP request that SigV4 signs.
public struct SignableRequest: Sendable {
    public var method: String
    /// The path as sent, e.g. `/sessions`.
    public var path: String
    /// The raw query string without `?`, or empty.
    public var query: String
    /// Header names in any case; SigV4 lower-cases them.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: String = "", headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The value of the first header called `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}

/// SigV4's canonical request and string to sign, shared by the X.509 signer, the emulator's
/// verifier and the emulator's HMAC (STS) verifier.
public enum CanonicalRequest {
    /// Headers a signer leaves out of `SignedHeaders`, as botocore does.
    static let unsignedHeaders: Set<String> = ["authorization", "user-agent", "expect", "transfer-encoding", "x-amzn-trace-id", "content-length"]

    /// Lower-cased, sorted names of the headers to sign.
    public static func signedHeaderNames(for request: SignableRequest) -> [String] {
        Array(Set(request.headers.map { $0.name.lowercased() }).subtracting(unsignedHeaders)).sorted()
    }

    /// The canonical request string (SigV4 task 1) over exactly `signedHeaders`.
    public static func string(for request: SignableRequest, signedHeaders: [String]) -> String {
        var canonicalHeaders = ""
        for name in signedHeaders {
            let values = request.headers.filter { $0.name.lowercased() == name }.map { normalise($0.value) }
            canonicalHeaders += "\(name):\(values.joined(separator: ","))\n"
        }
        return [
            request.method.uppercased(),
            canonicalPath(request.path),
            canonicalQuery(request.query),
            canonicalHeaders,
            signedHeaders.joined(separator: ";"),
            hexSHA256(request.body),
        ].joined(separator: "\n")
    }

    /// The string to sign (SigV4 task 2).
    public static func stringToSign(algorithm: String, amzDate: String, scope: CredentialScope, canonicalRequest: String) -> String {
        [algorithm, amzDate, scope.description, hexSHA256(Array(canonicalRequest.utf8))].joined(separator: "\n")
    }

    public static func hexSHA256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).hexString
    }

    /// Trims and collapses runs of white space, as SigV4 (and botocore) do with header values.
    static func normalise(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }

    static func canonicalPath(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { uriEncode(percentDecoded(String($0)) ?? String($0)) }
            .joined(separator: "/")
    }

    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&").map { item -> (String, String) in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecoded(String(parts[0])) ?? String(parts[0])
            let value = parts.count > 1 ? (percentDecoded(String(parts[1])) ?? String(parts[1])) : ""
            return (uriEncode(key), uriEncode(value))
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// `%XX` sequences back to their bytes, as a path or query arrives before `uriEncode` encodes it
    /// once, canonically; nil when a `%` is not followed by two hex digits or the bytes are not UTF-8.
    static func percentDecoded(_ string: String) -> String? {
        var bytes: [UInt8] = []
        var rest = string.utf8[...]
        while let byte = rest.popFirst() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard rest.count >= 2, let decoded = RolesAnywhere.bytes(fromHex: String(decoding: rest.prefix(2), as: UTF8.self)) else { return nil }
            bytes += decoded
            rest = rest.dropFirst(2)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// RFC 3986 encoding of everything but unreserved characters, upper-case hex.
    public static func uriEncode(_ string: String) -> String {
        var result = ""
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                 UInt8(ascii: "."), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + [byte].hexString.uppercased()
            }
        }
        return result
    }
}

/// `<yyyymmdd>/<region>/<service>/aws4_request`.
public struct CredentialScope: Sendable, Equatable, CustomStringConvertible {
    public var date: String
    public var region: String
    public var service: String

    public init(date: String, region: String, service: String) {
        self.date = date
        self.region = region
        self.service = service
    }

    public var description: String { "\(date)/\(region)/\(service)/aws4_request" }

    /// Parses `date/region/service/aws4_request`.
    public init?(parsing string: Substring) {
        let parts = string.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[3] == "aws4_request", parts[0].count == 8 else { return nil }
        self.init(date: String(parts[0]), region: String(parts[1]), service: String(parts[2]))
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex.
    public var hexString: String {
        var result = ""
        for byte in self {
            result.unicodeScalars.append(hexDigits[Int(byte >> 4)])
            result.unicodeScalars.append(hexDigits[Int(byte & 0x0f)])
        }
        return result
    }
}

extension Digest {
    public var hexString: String { Array(self).hexString }
}

private let hexDigits: [Unicode.Scalar] = Array("0123456789abcdef".unicodeScalars)

/// Parses lower- or upper-case hex; nil on odd length or a non-hex character.
public func bytes(fromHex hex: some StringProtocol) -> [UInt8]? {
    var result: [UInt8] = []
    result.reserveCapacity(hex.utf8.count / 2)
    var high: UInt8?
    for character in hex.utf8 {
        let nibble: UInt8
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
        default: return nil
        }
        if let pending = high {
            result.append(pending << 4 | nibble)
            high = nil
        } else {
            high = nibble
        }
    }
    return high == nil ? result : nil
}
