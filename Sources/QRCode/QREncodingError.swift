#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a text could not become a QR code, with what to do next.
///
/// Built from the text's length and libqrencode's errno only: the text is an `otpauth://` URI
/// holding a TOTP seed, so no message, description or log line ever shows it.
public struct QREncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// More bytes than the largest QR code holds (libqrencode's ERANGE).
        case tooLong
        /// Nothing to encode, or input libqrencode refused (EINVAL).
        case invalidInput
        /// libqrencode could not allocate its working memory (ENOMEM).
        case outOfMemory
        /// Any other errno.
        case failed
    }

    public let code: Code
    public let message: String

    public var description: String { message }

    static func tooLong(byteCount: Int) -> QREncodingError {
        .init(code: .tooLong, message: "the text is \(byteCount) bytes, more than a QR code holds "
            + "(\(QRMatrix.maximumByteCount) bytes at error correction level M): shorten it, "
            + "for example with a shorter user or issuer name")
    }

    static let empty = QREncodingError(code: .invalidInput, message: "there is no text to put in the QR code: pass a non-empty text")

    static func failure(errno code: Int32, byteCount: Int) -> QREncodingError {
        switch code {
        case ERANGE: return tooLong(byteCount: byteCount)
        case EINVAL:
            return .init(code: .invalidInput, message: "libqrencode refused the \(byteCount)-byte text (EINVAL): "
                + "pass 1 to \(QRMatrix.maximumByteCount) bytes")
        case ENOMEM:
            return .init(code: .outOfMemory, message: "not enough memory to draw the QR code: free some memory and try again")
        default:
            return .init(code: .failed, message: "libqrencode could not draw the QR code (errno \(code)): try again, "
                + "or print the otpauth:// URI instead and type its secret into the authenticator")
        }
    }
}
