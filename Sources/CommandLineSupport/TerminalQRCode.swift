import QRCode

/// A terminal QR code of an `otpauth://` URI, drawn with libqrencode (the `QRCode` module): what
/// `qrencode -t UTF8` printed, with no helper program to find and no pipe to feed.
public enum TerminalQRCode {
    /// The code as terminal text, ending in a newline; `nil` when the text does not fit a QR code,
    /// for callers that print the URI beside it anyway.
    public static func render(_ text: String) -> String? {
        // A native String's UTF-8 reaches libqrencode without a copy made here.
        guard let matrix = try? QRMatrix(encoding: text.utf8) else { return nil }
        return matrix.terminalText()
    }
}
