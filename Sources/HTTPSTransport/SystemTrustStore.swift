#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOSSL

/// The system's CAs, for connections that name no trust roots of their own (AWS's endpoints, and a
/// team issuer without a pin). NIOSSL's default reads the whole bundle
/// (/etc/ssl/certs/ca-certificates.crt, 140-odd certificates), parses every certificate into the
/// store and sorts the store after each: 38 M instructions on every process's first connection,
/// more than all the rest of a `credential-process` (BENCHMARKS.md). A hashed directory
/// (`openssl rehash`: each CA under its subject's hash) is read as a server's chain needs it:
/// BoringSSL opens the one CA the chain names, when it verifies.
///
/// The directory is used only when it names at least as many CAs as the bundle holds, so that a CA
/// added to the bundle alone (a line appended in a container's build) is still trusted; otherwise,
/// and on systems other than Linux (where NIOSSL's default is the platform's verifier), NIOSSL's
/// default stays.
public struct SystemTrustStore: Sendable {
    /// The hashed directories, and the bundles NIOSSL reads, first found first: Debian and Ubuntu;
    /// RHEL 9 and Fedora.
    public var directories = ["/etc/ssl/certs", "/etc/pki/ca-trust/extracted/pem/directory-hash"]
    public var bundles = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"]

    public init() {}

    public func trustRoots() -> NIOSSLTrustRoots {
        #if os(Linux)
        let bundled = bundles.lazy.compactMap(Self.certificateCount).first ?? 0
        if let directory = directories.first(where: { Self.hashedNames(in: $0) >= max(bundled, 1) }) {
            return .file(directory)
        }
        #endif
        return .default
    }

    /// `configuration` with the system's CAs resolved here when it names none of its own.
    public func resolving(_ configuration: TLSConfiguration) -> TLSConfiguration {
        guard configuration.trustRoots == nil || configuration.trustRoots == .default else { return configuration }
        var configuration = configuration
        configuration.trustRoots = trustRoots()
        return configuration
    }

    static func hashedNames(in directory: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).count(where: isHashedName)
    }

    /// How many certificates a PEM bundle holds (its BEGIN lines; nothing is parsed); nil when unreadable.
    static func certificateCount(in bundle: String) -> Int? {
        guard let data = FileManager.default.contents(atPath: bundle) else { return nil }
        // libc's strstr over the text: a byte loop in Swift cost 8 M instructions over a 200 KB bundle.
        var text = [CChar](unsafeUninitializedCapacity: data.count + 1) { buffer, initialized in
            initialized = data.copyBytes(to: UnsafeMutableRawBufferPointer(buffer))
        }
        text.append(0)
        return text.withUnsafeBufferPointer { buffer in
            var count = 0
            var next = UnsafePointer(strstr(buffer.baseAddress!, "-----BEGIN CERTIFICATE-----"))
            while let found = next {
                count += 1
                next = UnsafePointer(strstr(found + 1, "-----BEGIN CERTIFICATE-----"))
            }
            return count
        }
    }

    /// `openssl rehash`'s name for a CA, the one BoringSSL opens: its subject's hash (eight
    /// lower-case hex digits), a dot, a number. On the name's bytes: Swift's `Character`s cost
    /// 3 M instructions over a directory of 280 names.
    static func isHashedName(_ name: String) -> Bool {
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        let hexLetters = UInt8(ascii: "a")...UInt8(ascii: "f")
        var name = name
        return name.withUTF8 { bytes in
            bytes.count >= 10 && bytes[8] == UInt8(ascii: ".")
                && bytes[..<8].allSatisfy { digits.contains($0) || hexLetters.contains($0) }
                && bytes[9...].allSatisfy(digits.contains)
        }
    }
}
