/// UTF-8 output drawn from a QR code's modules, built in one buffer that is never reallocated (so
/// no unzeroed copy is left behind) and zeroed once the `String` is made. The `String` itself is
/// the caller's.
struct OutputBuffer {
    private var bytes: [UInt8] = []
    private let reserved: Int

    /// `capacity` must bound what is appended.
    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
        reserved = bytes.capacity
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ byte: UInt8) { bytes.append(byte) }

    /// The decimal digits of a non-negative number, without making a `String` of it.
    mutating func append(decimal value: Int) {
        precondition(value >= 0)
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Upper bound of the bytes `append(decimal:)` writes for values up to `value`.
    static func decimalDigits(_ value: Int) -> Int {
        var digits = 1
        var rest = value
        while rest >= 10 { rest /= 10; digits += 1 }
        return digits
    }

    /// The output as a `String`; the buffer is zeroed and empty afterwards.
    mutating func finish() -> String {
        assert(bytes.capacity == reserved, "output outgrew its reserved capacity, leaving an unzeroed copy")
        let text = String(decoding: bytes, as: UTF8.self)
        secureZero(&bytes)
        return text
    }
}
