import Foundation
import IssuerStorage

/// The summary's chart: issuances and refusals per hour over the last 24 hours, drawn on the
/// server as SVG with presentation attributes only (the CSP allows no inline styles). It holds
/// numbers and hours, never text from a request.
enum WebConsoleChart {
    static func svg(_ counts: [HourlyCounts], endingAt now: Date) -> String {
        let hour: TimeInterval = 3600
        let lastHour = (now.timeIntervalSince1970 / hour).rounded(.down) * hour
        let hours = (0..<24).map { Date(timeIntervalSince1970: lastHour - Double(23 - $0) * hour) }
        let byHour = Dictionary(counts.map { ($0.hourStart, $0) }, uniquingKeysWith: { a, _ in a })
        let series = hours.map { (hour: $0, issued: byHour[$0]?.issued ?? 0, refused: byHour[$0]?.refused ?? 0) }
        let peak = max(1, series.map { max($0.issued, $0.refused) }.max() ?? 1)
        let (width, height, left, bottom, top) = (720.0, 240.0, 40.0, 24.0, 12.0)
        let slot = (width - left) / 24
        let plot = height - bottom - top
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"chart-title\">",
                     "<title id=\"chart-title\">Certificates issued and requests refused per hour, last 24 hours</title>",
                     "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width)\" y2=\"\(height - bottom)\" stroke=\"currentColor\" stroke-width=\"1\"/>",
                     "<text x=\"\(left - 6)\" y=\"\(top + 4)\" text-anchor=\"end\" font-size=\"11\" fill=\"currentColor\">\(peak)</text>",
                     "<text x=\"\(left - 6)\" y=\"\(height - bottom)\" text-anchor=\"end\" font-size=\"11\" fill=\"currentColor\">0</text>"]
        let utc = TimeZone(identifier: "UTC")!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        for (index, entry) in series.enumerated() {
            let x = left + Double(index) * slot
            let barWidth = slot / 2 - 2
            for (offset, value, colour, label) in [(1.0, entry.issued, "#1e7b34", "issued"), (slot / 2, entry.refused, "#b3261e", "refused")] {
                let barHeight = (Double(value) / Double(peak) * plot).rounded()
                parts.append("<rect x=\"\(x + offset)\" y=\"\(height - bottom - barHeight)\" width=\"\(barWidth)\" height=\"\(barHeight)\" fill=\"\(colour)\"><title>\(value) \(label)</title></rect>")
            }
            let hourOfDay = calendar.component(.hour, from: entry.hour)
            if hourOfDay % 3 == 0 {
                parts.append("<text x=\"\(x + slot / 2)\" y=\"\(height - 8)\" text-anchor=\"middle\" font-size=\"11\" fill=\"currentColor\">\(String(format: "%02d:00", hourOfDay))</text>")
            }
        }
        parts.append("<rect x=\"\(width - 170)\" y=\"2\" width=\"10\" height=\"10\" fill=\"#1e7b34\"/><text x=\"\(width - 156)\" y=\"11\" font-size=\"11\" fill=\"currentColor\">issued</text>")
        parts.append("<rect x=\"\(width - 100)\" y=\"2\" width=\"10\" height=\"10\" fill=\"#b3261e\"/><text x=\"\(width - 86)\" y=\"11\" font-size=\"11\" fill=\"currentColor\">refused</text>")
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }
}
