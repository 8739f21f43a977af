import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import QRCode
import Testing
import TestSupport

/// An enrolment URI as `rolecall init` prints it (RFC 4648's example seed, not a real one).
private let enrolmentURI = "otpauth://totp/rolecall:alice?secret=JBSWY3DPEHPK3PXP&issuer=rolecall"

/// Long enough for a version with alignment patterns and version information blocks.
private let longURI = "otpauth://totp/rolecall-team-issuer:someone.with.a.long.name@example.com?"
    + "secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=rolecall-team-issuer"
    + "&algorithm=SHA1&digits=6&period=30&image=https%3A%2F%2Fissuer.example.com%2Flogo.png"

private let zbarimg = "/usr/bin/zbarimg"
private let qrencode = "/usr/bin/qrencode"

@Suite("QR codes through libqrencode", .removesTemporaryFiles)
struct QRCodeTests {
    // MARK: Decoding with zbar

    @Test("zbarimg reads back the exact text from the modules", arguments: [enrolmentURI, longURI])
    func zbarDecodesTheModules(text: String) async throws {
        let matrix = try QRMatrix(encoding: text.utf8)
        try #require(FileManager.default.isExecutableFile(atPath: zbarimg),
                     "zbarimg is missing: apt-get install zbar-tools")
        let directory = try Paths.temporaryDirectory("qr")
        let image = "\(directory)/code.pbm"
        try Data(Self.pbm(matrix, pixelsPerModule: 8)).write(to: URL(fileURLWithPath: image))
        let outcome = try await ProcessRunner.run(zbarimg, ["--raw", "-q", image])
        #expect(outcome.status == 0, "zbarimg: \(outcome.stderr)")
        #expect(outcome.stdout == text + "\n")
    }

    @Test("the smallest version that holds the text: 21 modules for one byte, 177 for the most")
    func versionFollowsLength() throws {
        #expect(try QRMatrix(encoding: [UInt8(ascii: "A")]).width == 21)
        #expect(try QRMatrix(encoding: enrolmentURI.utf8).width == 37)
        let most = try QRMatrix(encoding: [UInt8](repeating: UInt8(ascii: "a"), count: QRMatrix.maximumByteCount))
        #expect(most.width == 177)
        #expect(most.modules.count == 177 * 177)
    }

    @Test("a collection that is not contiguous is copied and gives the same modules")
    func nonContiguousInput() throws {
        let contiguous = try QRMatrix(encoding: Array(enrolmentURI.utf8))
        let lazy = try QRMatrix(encoding: enrolmentURI.utf8.lazy.map { $0 })
        let string = try QRMatrix(encoding: enrolmentURI.utf8)
        #expect(lazy.modules == contiguous.modules)
        #expect(string.modules == contiguous.modules)
    }

    @Test("encodings made at the same time agree")
    func concurrentEncodings() async throws {
        let expected = try QRMatrix(encoding: longURI.utf8).modules
        let results = try await withThrowingTaskGroup(of: [Bool].self) { group in
            for _ in 0..<16 { group.addTask { try QRMatrix(encoding: longURI.utf8).modules } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0 == expected })
    }

    // MARK: Errors and descriptions

    @Test("more than a QR code holds is a typed error that says what to do and shows no text",
          arguments: [QRMatrix.maximumByteCount + 1, 8000])
    func tooLong(byteCount: Int) throws {
        let text = [UInt8](repeating: UInt8(ascii: "Q"), count: byteCount)
        let error = try #require(throws: QREncodingError.self) { try QRMatrix(encoding: text) }
        #expect(error.code == .tooLong)
        #expect(error.message.contains("\(byteCount) bytes"))
        #expect(error.message.contains("shorten"))
        #expect(!error.description.contains("QQQ"))
    }

    @Test("the secret appears in no error and no description")
    func nothingShowsTheText() throws {
        var tooLong = enrolmentURI
        while tooLong.utf8.count <= QRMatrix.maximumByteCount { tooLong += "&pad=" + enrolmentURI }
        let error = try #require(throws: QREncodingError.self) { try QRMatrix(encoding: tooLong.utf8) }
        #expect(!String(describing: error).contains("JBSWY3DPEHPK3PXP"))
        #expect(!String(reflecting: error).contains("JBSWY3DPEHPK3PXP"))

        let matrix = try QRMatrix(encoding: enrolmentURI.utf8)
        #expect(String(describing: matrix) == "QRMatrix(37×37 modules, redacted)")
        #expect(String(reflecting: matrix) == "QRMatrix(37×37 modules, redacted)")
        var dumped = ""
        dump(matrix, to: &dumped)
        #expect(!dumped.contains("true") && !dumped.contains("false"))
    }

    @Test("empty input is a typed error")
    func empty() throws {
        let error = try #require(throws: QREncodingError.self) { try QRMatrix(encoding: [UInt8]()) }
        #expect(error.code == .invalidInput)
    }

    // MARK: SVG

    @Test("the SVG's path draws exactly the matrix, one merged run at a time", arguments: [enrolmentURI, longURI])
    func svgPathMatchesMatrix(text: String) throws {
        let matrix = try QRMatrix(encoding: text.utf8)
        let svg = matrix.svg(label: "QR code", moduleSize: 6)
        let parsed = try #require(SVGReader(svg))
        let side = matrix.width + 2 * QRMatrix.quietZone
        #expect(parsed.root["viewBox"] == "0 0 \(side) \(side)")
        #expect(parsed.root["width"] == "\(side * 6)")
        #expect(parsed.root["height"] == "\(side * 6)")
        #expect(parsed.root["shape-rendering"] == "crispEdges")
        #expect(parsed.elements == ["svg", "rect", "path"])
        #expect(parsed.rect == ["width": "\(side)", "height": "\(side)", "fill": "#fff"])
        #expect(parsed.path["fill"] == "#000")

        // The quiet zone is the white rect with no path on it; the path covers the dark modules once.
        var grid = [Bool](repeating: false, count: side * side)
        var previousEnd: (x: Int, y: Int)?
        let runs = try Self.runs(in: try #require(parsed.path["d"]))
        for run in runs {
            #expect(run.y >= QRMatrix.quietZone && run.y < QRMatrix.quietZone + matrix.width)
            #expect(run.x >= QRMatrix.quietZone && run.x + run.length <= QRMatrix.quietZone + matrix.width)
            // Runs are maximal: the next run in a row starts after a light module.
            if let previousEnd, previousEnd.y == run.y { #expect(run.x > previousEnd.x) }
            for x in run.x..<(run.x + run.length) {
                #expect(!grid[run.y * side + x], "module (\(x), \(run.y)) drawn twice")
                grid[run.y * side + x] = true
            }
            previousEnd = (run.x + run.length, run.y)
        }
        let inner = (0..<matrix.width).flatMap { y in
            (0..<matrix.width).map { x in grid[(y + QRMatrix.quietZone) * side + x + QRMatrix.quietZone] }
        }
        #expect(inner == matrix.modules)
    }

    @Test("the SVG has no style, no data: URI and a hostile label escaped", arguments: [
        "a\"<b>&'",
        "\"><script>alert(1)</script><svg onload='x'",
        "tab\tnewline\nnul\u{0}end",
    ])
    func svgIsSafe(label: String) throws {
        let svg = try QRMatrix(encoding: enrolmentURI.utf8).svg(label: label)
        #expect(!svg.lowercased().contains("style"))
        #expect(!svg.contains("data:"))
        #expect(!svg.contains("<script"))
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" "))
        #expect(svg.hasSuffix("</svg>"))
        // An XML parser reads the label back; the characters XML cannot hold became U+FFFD.
        let parsed = try #require(SVGReader(svg), "the SVG does not parse")
        var readable = String.UnicodeScalarView()
        for scalar in label.unicodeScalars {
            readable.append(scalar.value < 0x20 && scalar != "\t" && scalar != "\n" ? "\u{FFFD}" : scalar)
        }
        // Attribute value normalisation would turn a raw tab or newline into a space; references keep them.
        #expect(parsed.root["aria-label"] == String(readable))
        #expect(parsed.root["role"] == "img")
        #expect(parsed.elements == ["svg", "rect", "path"])
    }

    @Test("the label's escaping, byte for byte")
    func svgLabelEscaping() throws {
        let svg = try QRMatrix(encoding: enrolmentURI.utf8).svg(label: "a\"<b>&'")
        #expect(svg.contains(" aria-label=\"a&quot;&lt;b&gt;&amp;&#39;\" "))
    }

    // MARK: Terminal text

    @Test("the terminal text reads back as the matrix with its quiet zone", arguments: [false, true])
    func terminalTextRoundTrips(inverted: Bool) throws {
        for text in ["A", enrolmentURI, longURI] {
            let matrix = try QRMatrix(encoding: text.utf8)
            let rendered = matrix.terminalText(inverted: inverted)
            #expect(rendered.hasSuffix("\n"))
            let lines = rendered.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
            let side = matrix.width + 2 * QRMatrix.quietZone
            #expect(lines.count == 2 + (matrix.width + 1) / 2 + 2)
            // Two module rows per line, from the top of the quiet zone; an odd height's last half is light.
            var rows = [[Bool]](repeating: [], count: 2 * lines.count)
            for (number, line) in lines.enumerated() {
                #expect(line.unicodeScalars.count == side, "line \(number)")
                for scalar in line.unicodeScalars {
                    let (top, bottom) = try #require(Self.halves(scalar, inverted: inverted), "unexpected \(scalar)")
                    rows[2 * number].append(top)
                    rows[2 * number + 1].append(bottom)
                }
            }
            // Quiet zone: 4 rows above, at least 4 below, 4 columns each side, all light.
            let first = QRMatrix.quietZone
            for (y, row) in rows.enumerated() {
                let inside = (first..<(first + matrix.width)).contains(y)
                for (x, dark) in row.enumerated() where !inside || !(first..<(first + matrix.width)).contains(x) {
                    #expect(!dark, "quiet zone module (\(x), \(y)) is dark")
                }
            }
            let inner = rows[first..<(first + matrix.width)].flatMap { $0[first..<(first + matrix.width)] }
            #expect(inner == matrix.modules)
        }
    }

    @Test("the terminal text is what qrencode -t UTF8 prints", .enabled(if: FileManager.default.isExecutableFile(atPath: qrencode)),
          arguments: [false, true])
    func terminalTextMatchesQrencode(inverted: Bool) async throws {
        for text in [enrolmentURI, longURI] {
            // -8: all 8-bit, as QRcode_encodeData; -l M: rolecall's level (qrencode's own default is L).
            let outcome = try await ProcessRunner.run(qrencode, ["-8", "-l", "M", "-t", inverted ? "UTF8i" : "UTF8"], input: text)
            #expect(outcome.status == 0, "qrencode: \(outcome.stderr)")
            #expect(try QRMatrix(encoding: text.utf8).terminalText(inverted: inverted) == outcome.stdout)
        }
    }

    // MARK: Helpers

    /// A binary PBM (P4) of the code with its quiet zone, `pixelsPerModule` pixels a module; 1 is black.
    static func pbm(_ matrix: QRMatrix, pixelsPerModule scale: Int) -> [UInt8] {
        let side = (matrix.width + 2 * QRMatrix.quietZone) * scale
        var bytes = Array("P4\n\(side) \(side)\n".utf8)
        for pixelY in 0..<side {
            var row = [UInt8](repeating: 0, count: (side + 7) / 8)
            for pixelX in 0..<side {
                let x = pixelX / scale - QRMatrix.quietZone, y = pixelY / scale - QRMatrix.quietZone
                if (0..<matrix.width).contains(x), (0..<matrix.width).contains(y), matrix.isDark(x: x, y: y) {
                    row[pixelX / 8] |= 0x80 >> UInt8(pixelX % 8)
                }
            }
            bytes += row
        }
        return bytes
    }

    struct Run { var x: Int, y: Int, length: Int }

    /// The runs of a path made only of `M x y h n v1 h-n z`; anything else fails the test.
    static func runs(in path: String) throws -> [Run] {
        let pattern = /M(\d+) (\d+)h(\d+)v1h-(\d+)z/
        var runs: [Run] = []
        var rest = Substring(path)
        while !rest.isEmpty {
            let match = try #require(rest.prefixMatch(of: pattern), "unexpected path data at \(rest.prefix(20))")
            let (x, y, length, back) = (Int(match.1)!, Int(match.2)!, Int(match.3)!, Int(match.4)!)
            #expect(length == back && length > 0)
            runs.append(Run(x: x, y: y, length: length))
            rest = rest[match.range.upperBound...]
        }
        return runs
    }

    /// Whether the upper and lower module of a glyph are dark, as qrencode draws them.
    static func halves(_ glyph: Unicode.Scalar, inverted: Bool) -> (Bool, Bool)? {
        let lit: (Bool, Bool)? = switch glyph {
        case "█": (true, true)
        case "▀": (true, false)
        case "▄": (false, true)
        case " ": (false, false)
        default: nil
        }
        // Plain: the glyph draws the light modules; inverted: the dark ones.
        return lit.map { inverted ? ($0.0, $0.1) : (!$0.0, !$0.1) }
    }
}

/// The elements and attributes of an SVG, read by Foundation's XML parser (libxml2).
private struct SVGReader {
    var elements: [String] = []
    var root: [String: String] = [:]
    var rect: [String: String] = [:]
    var path: [String: String] = [:]

    init?(_ svg: String) {
        final class Delegate: NSObject, XMLParserDelegate {
            var elements: [(String, [String: String])] = []
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                        qualifiedName: String?, attributes: [String: String] = [:]) {
                elements.append((name, attributes))
            }
        }
        let parser = XMLParser(data: Data(svg.utf8))
        let delegate = Delegate()
        parser.delegate = delegate
        guard parser.parse() else { return nil }
        elements = delegate.elements.map(\.0)
        root = delegate.elements.first?.1 ?? [:]
        rect = delegate.elements.first { $0.0 == "rect" }?.1 ?? [:]
        path = delegate.elements.first { $0.0 == "path" }?.1 ?? [:]
    }
}
