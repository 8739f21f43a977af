#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwiftASN1
import X509

/// A certificate, its chain and the in-memory key it certifies: what signs one CreateSession.
public struct SigningIdentity: Sendable, CustomStringConvertible {
    public let certificate: Certificate
    /// Intermediates, leaf-most first; empty when the leaf is signed by the trust anchor itself.
    public let intermediates: [Certificate]
    public let key: SigningKey
    /// A single-use certificate signs exactly one CreateSession, so nothing may retry with it.
    public let isSingleUse: Bool

    public init(certificate: Certificate, intermediates: [Certificate] = [], key: SigningKey, isSingleUse: Bool) {
        self.certificate = certificate
        self.intermediates = intermediates
        self.key = key
        self.isSingleUse = isSingleUse
    }

    public var description: String {
        "SigningIdentity(serial: \(certificate.serialNumber.decimalString), key: \(key), singleUse: \(isSingleUse))"
    }
}

extension Certificate {
    /// The DER bytes.
    public func derBytes() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(self)
        return serializer.serializedBytes
    }
}

extension Certificate.SerialNumber {
    /// The serial as an unsigned decimal number, as the `Credential=` of the Authorization header names it.
    public var decimalString: String {
        var digits: [UInt8] = []
        var remaining = Array(bytes.drop { $0 == 0 })
        // Repeated division by 10 of a big-endian byte string.
        while !remaining.isEmpty {
            var carry = 0
            var quotient: [UInt8] = []
            quotient.reserveCapacity(remaining.count)
            for byte in remaining {
                let value = carry << 8 | Int(byte)
                let digit = value / 10
                carry = value % 10
                if !(quotient.isEmpty && digit == 0) { quotient.append(UInt8(digit)) }
            }
            digits.append(UInt8(carry))
            remaining = quotient
        }
        return digits.isEmpty ? "0" : String(digits.reversed().map { Character(String($0)) })
    }
}
