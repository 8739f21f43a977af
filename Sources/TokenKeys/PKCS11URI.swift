import RolesAnywhere

/// An RFC 7512 `pkcs11:` URI: which token, which object on it, and optionally which module.
///
/// `pkcs11:token=rolecall;object=rolecall-ca?module-path=/usr/lib/softhsm/libsofthsm2.so`
///
/// A PIN never travels in one: `pin-value` and `pin-source` are refused (argv, shell history and
/// the config file would keep it); the PIN comes from `--pin-command` or the terminal.
public struct PKCS11URI: Sendable, Equatable, CustomStringConvertible {
    /// The URI as given, for messages and the config file (it holds no secret).
    public let text: String
    /// Path attributes (RFC 7512 §2.3), values percent-decoded; `id` is kept apart as bytes.
    public let attributes: [String: String]
    /// `id=`: the object's `CKA_ID`, binary.
    public let id: [UInt8]?
    public let modulePath: String?
    public let moduleName: String?

    public static let scheme = "pkcs11:"

    static let pathAttributes: Set<String> = [
        "token", "manufacturer", "serial", "model", "library-manufacturer", "library-description",
        "library-version", "object", "type", "id", "slot-manufacturer", "slot-description", "slot-id",
    ]
    static let objectTypes: Set<String> = ["private", "public", "cert", "secret-key", "data"]

    public static func isURI(_ text: String) -> Bool { text.hasPrefix(scheme) }

    public init(parsing text: String) throws(TokenError) {
        guard text.hasPrefix(Self.scheme) else {
            throw .invalidURI("\(printableExcerpt(text, limit: 80)) is not a pkcs11: URI (RFC 7512), e.g. pkcs11:token=NAME;object=rolecall-ca")
        }
        self.text = text
        let rest = text.dropFirst(Self.scheme.count)
        let (path, query) = rest.firstIndex(of: "?").map { (rest[..<$0], rest[rest.index(after: $0)...]) } ?? (rest, "")
        var attributes: [String: String] = [:]
        var id: [UInt8]?
        for component in path.split(separator: ";", omittingEmptySubsequences: true) {
            let (name, value) = try Self.pair(component, in: text)
            guard Self.pathAttributes.contains(name) || name.hasPrefix("x-") else {
                throw .invalidURI("\(text): unknown attribute \"\(printableExcerpt(name, limit: 40))\"; RFC 7512 names token, object, id, serial, model, manufacturer, slot-id and others")
            }
            guard attributes[name] == nil, !(name == "id" && id != nil) else { throw .invalidURI("\(text): \(name) is given twice") }
            let bytes = try Self.percentDecoded(value, in: text)
            if name == "id" {
                id = bytes
            } else {
                guard let decoded = String(validating: bytes, as: UTF8.self) else { throw .invalidURI("\(text): \(name) is not UTF-8") }
                attributes[name] = decoded
            }
        }
        var modulePath: String?
        var moduleName: String?
        for component in query.split(separator: "&", omittingEmptySubsequences: true) {
            let (name, value) = try Self.pair(component, in: text)
            guard let decoded = String(validating: try Self.percentDecoded(value, in: text), as: UTF8.self) else {
                throw .invalidURI("\(text): \(name) is not UTF-8")
            }
            switch name {
            case "module-path": modulePath = decoded
            case "module-name": moduleName = decoded
            case "pin-value", "pin-source":
                throw .invalidURI("a PIN is never taken from a pkcs11: URI (it would stay in argv, shell history and the config): remove \(name) and use --pin-command CMD or the prompt")
            default:
                guard name.hasPrefix("x-") else {
                    throw .invalidURI("\(text): unknown query attribute \"\(printableExcerpt(name, limit: 40))\"; rolecall knows module-path and module-name")
                }
            }
        }
        if let type = attributes["type"], !Self.objectTypes.contains(type) {
            throw .invalidURI("\(text): type must be one of \(Self.objectTypes.sorted().joined(separator: ", "))")
        }
        self.attributes = attributes
        self.id = id
        self.modulePath = modulePath
        self.moduleName = moduleName
    }

    public var token: String? { attributes["token"] }
    public var object: String? { attributes["object"] }

    /// The URI less its query (module-path and the like), as messages show which object was meant.
    public var description: String { printableExcerpt(text, limit: 200) }

    private static func pair(_ component: Substring, in text: String) throws(TokenError) -> (String, Substring) {
        guard let equals = component.firstIndex(of: "=") else {
            throw .invalidURI("\(text): \"\(printableExcerpt(component, limit: 40))\" has no '='")
        }
        return (String(component[..<equals]), component[component.index(after: equals)...])
    }

    /// RFC 3986 §2.1 percent-decoding to bytes. Foundation's `removingPercentEncoding` yields only
    /// valid UTF-8 strings, and an `id` is binary (`id=%01%ab`).
    static func percentDecoded(_ value: Substring, in text: String) throws(TokenError) -> [UInt8] {
        var bytes: [UInt8] = []
        var iterator = value.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw .invalidURI("\(text): a '%' must be followed by two hex digits")
            }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
