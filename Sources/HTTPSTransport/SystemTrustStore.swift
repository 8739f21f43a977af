#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOSSL

/// The system's CAs, for connections that name no trust roots of their own (AWS's endpoints; the
/// team issuer's are pinned). NIOSSL's default reads the whole bundle
/// (/etc/ssl/certs/ca-certificates.crt, 140-odd certificates), parses every certificate into the
/// store and sorts the store after each: 38 M instructions on every process's first connection,
/// more than all the rest of a `credential-process` (BENCHMARKS.md). A hashed directory
/// (`openssl rehash`: each CA under its subject's hash) is read as a server's chain needs it:
/// BoringSSL opens the one CA the chain names, when it verifies. Where there is none, or it holds
/// no hashed name, NIOSSL's default stays.
public enum SystemTrustStore {
    /// Debian, Ubuntu, Alpine and Arch; RHEL 9 and Fedora.
    public static let hashedDirectories = ["/etc/ssl/certs", "/etc/pki/ca-trust/extracted/pem/directory-hash"]

    public static func trustRoots(searching directories: [String] = hashedDirectories) -> NIOSSLTrustRoots {
        directories.first(where: isHashed).map { .file($0) } ?? .default
    }

    static func isHashed(_ directory: String) -> Bool {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return false }
        return names.contains(where: isHashedName)
    }

    /// `openssl rehash`'s name for a CA: its subject's hash (eight hex digits), a dot, a number.
    static func isHashedName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts[0].count == 8 && parts[0].allSatisfy(\.isHexDigit)
            && !parts[1].isEmpty && parts[1].allSatisfy { $0.isASCII && $0.isNumber }
    }
}
