import CHardening

/// Bytes that must not outlive their use: a secret access key, a session token, a TOTP seed.
///
/// The storage is owned here and zeroed when the last reference goes away, or earlier through `wipe()`.
/// `description` never shows the bytes. Swift `String`s made from a secret (for an environment variable
/// or a JSON body) are copies this type cannot reach; keep them short-lived.
public final class SecretBytes: @unchecked Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    // Mutated only by `wipe()`/`deinit`; callers get copies through the `with…` accessors.
    private var storage: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.storage = bytes
    }

    public convenience init(_ string: String) {
        self.init(Array(string.utf8))
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    /// Runs `body` with the secret bytes; do not let them escape.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes(body)
    }

    /// A `String` copy of the secret, for the few places that need one (environment, JSON output).
    public func unsafeStringValue() -> String {
        String(decoding: storage, as: UTF8.self)
    }

    /// Zeroes the bytes now. Later reads see an empty secret.
    public func wipe() {
        storage.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { rolecall_secure_zero(base, buffer.count) }
        }
        storage.removeAll()
    }

    deinit { wipe() }

    public var description: String { "SecretBytes(<redacted \(storage.count) bytes>)" }
    public var debugDescription: String { description }
}

extension SecretBytes: Equatable {
    /// Constant-time comparison of contents.
    public static func == (lhs: SecretBytes, rhs: SecretBytes) -> Bool {
        lhs.withUnsafeBytes { a in
            rhs.withUnsafeBytes { b in
                guard a.count == b.count else { return false }
                var difference: UInt8 = 0
                for index in 0..<a.count { difference |= a[index] ^ b[index] }
                return difference == 0
            }
        }
    }
}

/// Zeroes a byte array the caller owns (a response body, a serialised key) and empties it.
public func wipeBytes(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { buffer in
        if let base = buffer.baseAddress { rolecall_secure_zero(base, buffer.count) }
    }
    bytes.removeAll()
}
