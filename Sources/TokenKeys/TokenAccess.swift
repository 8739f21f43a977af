#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPKCS11
import RolesAnywhere

/// Where a key on a token lives: its URI and the module it was opened with, as the config
/// remembers them. Neither is secret.
public struct TokenKeyReference: Codable, Sendable, Hashable {
    public var uri: String
    public var modulePath: String

    public init(uri: String, modulePath: String) {
        self.uri = uri
        self.modulePath = modulePath
    }
}

/// How a command reaches token keys: which module, and where the PIN comes from.
///
/// Every use is scoped: the module is loaded, the session opened and logged in, the key used, and
/// then the session logged out and the module finalised before the call returns. A command that
/// `execve`s afterwards leaves nothing of the token behind.
public struct TokenAccess: Sendable {
    /// `--pkcs11-module PATH`.
    public var moduleOverride: String?
    public var environment: [String: String]
    /// Asked only when the token wants a PIN; given the token's label for the question.
    public var pin: @Sendable (_ tokenLabel: String) throws -> SecretBytes
    /// Where p11-kit's proxy module may be installed, the last resort.
    public var proxyModuleCandidates: [String] = TokenAccess.proxyModulePaths

    public static let moduleVariable = "ROLECALL_PKCS11_MODULE"

    public static let proxyModulePaths = [
        "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so", "/usr/lib/aarch64-linux-gnu/p11-kit-proxy.so",
        "/usr/lib64/p11-kit-proxy.so", "/usr/lib/p11-kit-proxy.so", "/usr/local/lib/p11-kit-proxy.so",
        "/opt/homebrew/lib/p11-kit-proxy.dylib",
    ]

    public init(moduleOverride: String? = nil, environment: [String: String],
                pin: @escaping @Sendable (_ tokenLabel: String) throws -> SecretBytes) {
        self.moduleOverride = moduleOverride
        self.environment = environment
        self.pin = pin
    }

    /// The module for `uri`: `--pkcs11-module`, the URI's `module-path` (or `module-name`), the one
    /// remembered in the config, `$ROLECALL_PKCS11_MODULE`, else p11-kit's proxy. Only an absolute
    /// path is answered: it is what the config remembers, and what `PKCS11Module` loads.
    public func modulePath(for uri: PKCS11URI, remembered: String? = nil) throws(TokenError) -> String {
        let environmentModule = environment[Self.moduleVariable].flatMap { $0.isEmpty ? nil : $0 }
        let rememberedModule = remembered.flatMap { $0.isEmpty ? nil : $0 }
        let given = moduleOverride ?? uri.modulePath ?? uri.moduleName
        if let path = given ?? rememberedModule ?? environmentModule {
            guard path.hasPrefix("/") else {
                throw given == nil && rememberedModule != nil ? .rememberedModuleNotAbsolute(path: path) : .moduleNotAbsolute(path: path)
            }
            return path
        }
        guard let proxy = proxyModuleCandidates.first(where: { access($0, F_OK) == 0 }) else { throw .noModule }
        return proxy
    }

    /// `path` as typed in `directory` (the current one), made absolute: for `--pkcs11-module`,
    /// whose value is remembered and must not depend on where rolecall runs next.
    public static func absoluteModulePath(_ path: String, in directory: String = currentDirectory()) -> String {
        guard !path.hasPrefix("/"), !path.isEmpty else { return path }
        var relative = Substring(path)
        while relative.hasPrefix("./") { relative = relative.dropFirst(2) }
        return (directory.hasSuffix("/") ? directory : directory + "/") + relative
    }

    public static func currentDirectory() -> String {
        guard let buffer = getcwd(nil, 0) else { return "/" }
        defer { free(buffer) }
        return String(cString: buffer)
    }

    /// Opens the key `reference` names, runs `body` with it, then logs out and unloads the module.
    public func withKey<T>(_ reference: TokenKeyReference, _ body: (SigningKey) throws -> T) throws -> T {
        let uri = try PKCS11URI(parsing: reference.uri)
        return try withSession(uri, modulePath: try modulePath(for: uri, remembered: reference.modulePath), readWrite: false) { session in
            try body(.external(try TokenKey.find(in: session)))
        }
    }

    /// The key `uri` names, generated there first (P-256, sensitive, never extractable) when the
    /// token has none by that name; `body` learns which, and the reference to remember.
    /// `remembered`: the module of the key this one follows (a CA rotated on the same token).
    public func withKey<T>(creatingIfAbsent uri: PKCS11URI, remembered: String? = nil,
                           _ body: (SigningKey, TokenKeyReference, _ created: Bool) throws -> T) throws -> T {
        let module = try modulePath(for: uri, remembered: remembered)
        let reference = TokenKeyReference(uri: uri.text, modulePath: module)
        return try withSession(uri, modulePath: module, readWrite: true) { session in
            let existing: TokenKey?
            do { existing = try TokenKey.find(in: session) } catch TokenError.objectNotFound { existing = nil }
            let key = try existing ?? TokenKey.generateP256(in: session)
            return try body(.external(key), reference, existing == nil)
        }
    }

    /// Opens the key `reference` names (and the certificate object `certificate` names, on the same
    /// token) for longer than one call: a supervisor holds it for its whole life. `close()` logs out
    /// and unloads the module.
    public func open(_ reference: TokenKeyReference, certificate: PKCS11URI? = nil) throws -> OpenTokenKey {
        let uri = try PKCS11URI(parsing: reference.uri)
        if let certificate, certificate.token != uri.token {
            throw TokenError.invalidURI("--certificate \(certificate) and --private-key \(uri) name different tokens: keep both objects on one token, or the certificate in a file")
        }
        let module = try PKCS11Module.acquire(path: try modulePath(for: uri, remembered: reference.modulePath))
        let session: TokenSession
        do {
            session = try TokenSession(module: module, uri: uri, readWrite: false, pin: pin)
        } catch {
            module.release()
            throw error
        }
        do {
            let key = try TokenKey.find(in: session)
            return OpenTokenKey(key: .external(key), certificate: try certificate.map { try Self.certificate($0, in: session) }, session: session)
        } catch {
            session.close()
            throw error
        }
    }

    /// The DER of the one certificate object `uri` names.
    private static func certificate(_ uri: PKCS11URI, in session: TokenSession) throws -> [UInt8] {
        let objects = try session.findObjects(class: CK_OBJECT_CLASS(CKO_CERTIFICATE), label: uri.object, id: uri.id)
        guard let object = objects.first else { throw TokenError.objectNotFound(uri: uri.description) }
        guard objects.count == 1 else { throw TokenError.ambiguousObject(uri: uri.description, count: objects.count) }
        guard let der = try session.attribute(CK_ATTRIBUTE_TYPE(CKA_VALUE), of: object) else { throw TokenError.objectNotFound(uri: uri.description) }
        return der
    }

    private func withSession<T>(_ uri: PKCS11URI, modulePath: String, readWrite: Bool, _ body: (TokenSession) throws -> T) throws -> T {
        let module = try PKCS11Module.acquire(path: modulePath)
        let session: TokenSession
        do {
            session = try TokenSession(module: module, uri: uri, readWrite: readWrite, pin: pin)
        } catch {
            module.release()
            throw error
        }
        defer { session.close() }
        return try body(session)
    }
}

/// A key on a token kept open past one call; `close()` (or the last reference going) ends it.
public final class OpenTokenKey: Sendable {
    public let key: SigningKey
    /// The DER of the certificate object asked for, when one was.
    public let certificateDER: [UInt8]?
    private let session: TokenSession

    init(key: SigningKey, certificate: [UInt8]?, session: TokenSession) {
        self.key = key
        self.certificateDER = certificate
        self.session = session
    }

    public func close() { session.close() }
}
