import CQRencode
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The modules of a QR code drawn by libqrencode (error correction level M, the smallest version
/// that holds the text), to show as SVG (`svg(label:moduleSize:)`) or terminal text (`terminalText()`).
///
/// The text is an `otpauth://` URI holding a TOTP seed, and the modules are that seed in another
/// form: the matrix keeps them in a buffer of its own, zeroed when the last copy goes away, and its
/// `description` shows only the size. What this module cannot reach stays the caller's to keep
/// short-lived: the input, `modules` copies, the returned `String`s, and libqrencode's own working
/// buffers, which it frees without zeroing.
public struct QRMatrix: Sendable {
    /// The most bytes a QR code holds at error correction level M (version 40, 8-bit mode).
    public static let maximumByteCount = 2331
    /// The light border, in modules, that `svg` and `terminalText` draw on every side (ISO/IEC 18004's 4).
    public static let quietZone = 4

    private let storage: ModuleStorage

    /// The number of modules on a side, without the quiet zone (21 for version 1, up to 177).
    public var width: Int { storage.width }

    /// Encodes `text` as bytes (8-bit mode), in the smallest QR code version that holds it.
    ///
    /// A contiguous collection (an `Array`, a native `String`'s `utf8`) is passed to libqrencode as
    /// it is; any other is copied into a buffer zeroed after use.
    public init(encoding text: some Collection<UInt8>) throws(QREncodingError) {
        let byteCount = text.count
        guard byteCount > 0 else { throw .empty }
        // libqrencode itself decides what fits (ERANGE); this only keeps the count an Int32.
        guard byteCount <= Int(Int32.max) else { throw .tooLong(byteCount: byteCount) }
        let result = text.withContiguousStorageIfAvailable(Self.encode) ?? {
            let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: byteCount)
            defer {
                secureZero(copy.baseAddress, byteCount)
                copy.deallocate()
            }
            _ = copy.initialize(from: text)
            return Self.encode(UnsafeBufferPointer(copy))
        }()
        storage = try result.get()
    }

    /// Whether the module in column `x`, row `y` (both from 0, top left) is dark.
    public func isDark(x: Int, y: Int) -> Bool {
        precondition((0..<width).contains(x) && (0..<width).contains(y), "module (\(x), \(y)) is outside a \(width)-wide QR code")
        return storage.dark[y * width + x]
    }

    /// A copy of the modules, row by row from the top left, `true` for dark: `width * width` values.
    /// The copy is the caller's; `isDark(x:y:)` reads them without one.
    public var modules: [Bool] { Array(storage.dark) }

    /// libqrencode's version 4 builds guard their lazily built tables with a mutex when built with
    /// pthreads; this lock makes no assumption about how the installed one was built.
    private static let libraryLock = Mutex(())

    private static func encode(_ text: UnsafeBufferPointer<UInt8>) -> Result<ModuleStorage, QREncodingError> {
        libraryLock.withLock { _ in
            errno = 0
            guard let code = QRcode_encodeData(Int32(text.count), text.baseAddress, 0, QR_ECLEVEL_M) else {
                return .failure(.failure(errno: errno, byteCount: text.count))
            }
            let width = Int(code.pointee.width)
            defer {
                secureZero(code.pointee.data, width * width)
                QRcode_free(code)
            }
            return .success(ModuleStorage(width: width, libqrencodeData: code.pointee.data))
        }
    }
}

extension QRMatrix: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "QRMatrix(\(width)×\(width) modules, redacted)" }
    public var debugDescription: String { description }
    /// `dump` and debuggers' summaries show no modules either.
    public var customMirror: Mirror { Mirror(self, children: ["width": width], displayStyle: .struct) }
}

/// The modules, in memory allocated once and zeroed before it is freed.
private final class ModuleStorage: @unchecked Sendable {
    // Written only in `init` and `deinit`; every other access reads.
    let width: Int
    let dark: UnsafeMutableBufferPointer<Bool>

    /// Copies libqrencode's `width * width` bytes, of which bit 0 means a dark module.
    init(width: Int, libqrencodeData data: UnsafePointer<UInt8>) {
        self.width = width
        dark = .allocate(capacity: width * width)
        for index in 0..<(width * width) { (dark.baseAddress! + index).initialize(to: data[index] & 1 != 0) }
    }

    deinit {
        secureZero(dark.baseAddress, dark.count * MemoryLayout<Bool>.stride)
        dark.deallocate()
    }
}
