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
import Issuance
import RolesAnywhere

/// A profile's own certificate or key that cannot be used, with what to do next. Names paths,
/// modes and dates only: never a key's bytes or its passphrase.
public struct OwnCertificateError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case unreadable, readableByOthers, notACertificate, noCertificate, unsupportedKey, weakRSAKey, encryptedKeyNotOpened, keyMismatch
        case notValidNow, expiresTooSoon
    }

    public let code: Code
    public let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    static func unreadable(_ flag: String, _ path: String) -> OwnCertificateError {
        .init(.unreadable, "\(flag) \(path) cannot be read: check the path in `rolecall profile show`")
    }

    static func unreadableKey(_ path: String, reason: String) -> OwnCertificateError {
        .init(.unreadable, "--private-key \(path) cannot be read: \(reason)")
    }

    static func readableByOthers(_ path: String, mode: mode_t) -> OwnCertificateError {
        .init(.readableByOthers, "--private-key \(path) can be read by others (mode \(String(mode & 0o777, radix: 8))): run `chmod 600 \(shellQuoted(path))`")
    }

    static func notACertificate(_ flag: String, _ path: String) -> OwnCertificateError {
        .init(.notACertificate, "\(flag) \(path) holds no X.509 certificate in PEM or DER")
    }

    static func noCertificate() -> OwnCertificateError { .init(.noCertificate, "the profile's certificate file holds no certificate") }

    static func unsupportedKey(_ path: String) -> OwnCertificateError {
        .init(.unsupportedKey, "--private-key \(path) holds no P-256, P-384 or RSA private key in PEM (PKCS#8, SEC 1 or PKCS#1)")
    }

    static func weakRSAKey(_ path: String, bits: Int) -> OwnCertificateError {
        .init(.weakRSAKey, "--private-key \(path) is an RSA key of \(bits) bits: Roles Anywhere needs 2048 or more")
    }

    /// `error` says why the passphrase did not open it; it never holds the passphrase.
    static func encryptedKeyNotOpened(_ path: String, _ error: any Error) -> OwnCertificateError {
        .init(.encryptedKeyNotOpened, "--private-key \(path) is an encrypted PKCS#8 key and \(error)")
    }

    static func keyMismatch(_ keyName: String) -> OwnCertificateError {
        .init(.keyMismatch, "the key \(keyName) is not the one the profile's certificate was issued to: give the key that belongs to it")
    }

    static func notValidNow(from start: Date, to end: Date) -> OwnCertificateError {
        .init(.notValidNow, "the profile's certificate is valid from \(RFC3339.string(from: start)) to \(RFC3339.string(from: end)), not now: renew it")
    }

    static func expiresTooSoon(_ end: Date, secondsLeft: Int) -> OwnCertificateError {
        .init(.expiresTooSoon, "the profile's certificate expires at \(RFC3339.string(from: end)), in \(DurationText.format(secondsLeft)), and an AWS session lasts at least 15m: renew the certificate")
    }
}
