import Crypto
import ExtrasBase64
import Foundation
import RolesAnywhere

/// The key that seals the issuer's secrets at rest (CA keys, TOTP seeds, the token key, the TLS
/// key): AES-256-GCM, from `ROLECALL_ISSUER_KEY` (base64 of 32 bytes) or a key file holding the
/// same text. The database never holds any of those secrets in clear, and never holds this key.
public struct IssuerKey: Sendable, CustomStringConvertible {
    public static let environmentVariable = "ROLECALL_ISSUER_KEY"
    private let key: SymmetricKey

    init(key: SymmetricKey) { self.key = key }

    /// A new key as the text to keep in the variable or the key file.
    public static func generateText() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Base64.encodeToString(bytes: $0) }
    }

    public init(text: String) throws(IssuerError) {
        guard var bytes = try? Base64.decode(string: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw .invalidIssuerKey()
        }
        defer { wipeBytes(&bytes) }
        key = SymmetricKey(data: bytes)
    }

    /// From `ROLECALL_ISSUER_KEY` when set, else from `keyFile`.
    public static func load(environment: [String: String], keyFile: String) throws -> IssuerKey {
        if let text = environment[environmentVariable], !text.isEmpty { return try IssuerKey(text: text) }
        guard var bytes = try KeyFile.read(keyFile) else {
            throw IssuerError.noIssuerKey(keyFile: keyFile)
        }
        defer { wipeBytes(&bytes) }
        return try IssuerKey(text: String(decoding: bytes, as: UTF8.self))
    }

    /// Seals `plaintext`; `context` binds it to its purpose, so one sealed value cannot be passed
    /// off as another.
    func seal(_ plaintext: [UInt8], context: String) throws -> [UInt8] {
        guard let combined = try AES.GCM.seal(plaintext, using: key, authenticating: Array(context.utf8)).combined else {
            throw IssuerError.sealingFailed()
        }
        return Array(combined)
    }

    func open(_ sealed: [UInt8], context: String) throws -> [UInt8] {
        do {
            var opened = try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Array(context.utf8))
            defer { opened.resetBytes(in: 0..<opened.count) }
            return Array(opened)
        } catch {
            throw IssuerError.sealDoesNotOpen(String(context.split(separator: ":").first ?? "value"))
        }
    }

    public var description: String { "IssuerKey(<redacted>)" }
}

/// The issuer key file (and the HSM PIN file): created 0600 once, refused when others can read it.
enum KeyFile {
    /// `name` says which file, in errors: the issuer key file unless told.
    static func read(_ path: String, named name: String = "the issuer key file") throws -> [UInt8]? {
        // Without blocking, so a FIFO in its place is refused below instead of hanging the start.
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            if errno == ELOOP { throw IssuerError.keyFileRefused(name, path, "is a symbolic link, which is refused: give the path of the file itself") }
            throw IssuerError.keyFileUnreadable("read \(name)", path, errno: errno)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw IssuerError.keyFileRefused(name, path, "is not a regular file")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw IssuerError.keyFileRefused(name, path, "is readable by others: chmod 600 \(path)")
        }
        guard status.st_uid == geteuid() else { throw IssuerError.keyFileRefused(name, path, "belongs to another user") }
        var bytes = [UInt8](repeating: 0, count: 256)
        let count = Foundation.read(descriptor, &bytes, bytes.count)
        guard count > 0 else { throw IssuerError.keyFileRefused(name, path, "is empty") }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// Writes a new key file; refuses to replace one.
    static func create(_ path: String, text: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw errno == EEXIST ? IssuerError.keyFileExists(path) : IssuerError.keyFileUnreadable("create the issuer key file", path, errno: errno)
        }
        defer { close(descriptor) }
        var bytes = Array((text + "\n").utf8)
        defer { wipeBytes(&bytes) }
        guard write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            throw IssuerError.keyFileUnreadable("write the issuer key file", path, errno: errno)
        }
    }
}
