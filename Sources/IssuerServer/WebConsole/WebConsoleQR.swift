import QRCode

/// QR codes for the console's enrolment and reset pages: inline SVG with presentation
/// attributes only (the CSP blocks `data:` images and inline styles).
enum WebConsoleQR {
    static func svg(_ text: String, label: String) throws -> String {
        try QRMatrix(encoding: Array(text.utf8)).svg(label: label)
    }
}
