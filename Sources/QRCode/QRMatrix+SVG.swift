extension QRMatrix {
    /// A standalone `<svg>` element of the code: black modules on a white square with the quiet zone,
    /// `moduleSize` pixels per module, announced to screen readers as an image named `label`.
    ///
    /// It uses presentation attributes only (no `style`, no `<style>`, no `data:` URI), so a page whose
    /// Content-Security-Policy forbids inline styles can embed it; the modules are one `<path>`, a
    /// rectangle per horizontal run of dark modules, drawn with `shape-rendering="crispEdges"`.
    public func svg(label: String, moduleSize: Int = 8) -> String {
        precondition(moduleSize > 0, "a module is at least one pixel")
        let side = width + 2 * Self.quietZone
        let pixels = side.multipliedReportingOverflow(by: moduleSize)
        precondition(!pixels.overflow, "moduleSize \(moduleSize) is too large")
        var runCount = 0
        forEachDarkRun { _, _, _ in runCount += 1 }
        let escapedLabel = Self.xmlAttributeEscaped(label)
        let coordinate = OutputBuffer.decimalDigits(side)
        // "M" x " " y "h" n "v1h-" n "z"
        let perRun = 1 + coordinate + 1 + coordinate + 1 + coordinate + 4 + coordinate + 1
        var output = OutputBuffer(capacity: 512 + 2 * OutputBuffer.decimalDigits(pixels.partialValue)
            + 4 * coordinate + escapedLabel.utf8.count + runCount * perRun)

        output.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        output.append(decimal: pixels.partialValue)
        output.append("\" height=\"")
        output.append(decimal: pixels.partialValue)
        output.append("\" viewBox=\"0 0 ")
        output.append(decimal: side)
        output.append(UInt8(ascii: " "))
        output.append(decimal: side)
        output.append("\" role=\"img\" aria-label=\"")
        for byte in escapedLabel.utf8 { output.append(byte) }
        output.append("\" shape-rendering=\"crispEdges\"><rect width=\"")
        output.append(decimal: side)
        output.append("\" height=\"")
        output.append(decimal: side)
        output.append("\" fill=\"#fff\"/><path fill=\"#000\" d=\"")
        forEachDarkRun { x, y, length in
            output.append(UInt8(ascii: "M"))
            output.append(decimal: x + Self.quietZone)
            output.append(UInt8(ascii: " "))
            output.append(decimal: y + Self.quietZone)
            output.append(UInt8(ascii: "h"))
            output.append(decimal: length)
            output.append("v1h-")
            output.append(decimal: length)
            output.append(UInt8(ascii: "z"))
        }
        output.append("\"/></svg>")
        return output.finish()
    }

    /// Calls `body` with each maximal horizontal run of dark modules, row by row. Counting and
    /// drawing walk the modules again rather than keep the runs, which would be another picture of
    /// the code to zero.
    private func forEachDarkRun(_ body: (_ x: Int, _ y: Int, _ length: Int) -> Void) {
        for y in 0..<width {
            var x = 0
            while x < width {
                guard isDark(x: x, y: y) else { x += 1; continue }
                let start = x
                while x < width, isDark(x: x, y: y) { x += 1 }
                body(start, y, x - start)
            }
        }
    }

    /// `text` for a double- or single-quoted XML attribute: `& < > " '` as references, and the
    /// characters XML 1.0 does not allow as U+FFFD.
    static func xmlAttributeEscaped(_ text: String) -> String {
        var escaped = ""
        escaped.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            // Tab, newline and return are allowed, but an attribute's value normalisation turns them
            // into spaces anyway; references keep them.
            case "\t": escaped += "&#9;"
            case "\n": escaped += "&#10;"
            case "\r": escaped += "&#13;"
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                escaped.unicodeScalars.append("\u{FFFD}")
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
