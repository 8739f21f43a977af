/// Durations as people type them: `900`, `15m`, `1h`, `1h30m`, `90s`.
public enum DurationText {
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// No duration rolecall takes comes near a year; a larger number is a typo. The bound also keeps
    /// every accepted value printable by `format` and parseable again (found by fuzzing).
    public static let maximumSeconds = 366 * 86_400

    /// Seconds for `text`; nil-free: a malformed value throws with the accepted forms.
    public static func seconds(_ text: String) throws(Invalid) -> Int {
        let invalid = Invalid(description: "invalid duration \"\(printableExcerpt(text, limit: 40))\": use seconds (3600) or units such as 15m, 1h, 1h30m")
        guard !text.isEmpty, text.count <= 20 else { throw invalid }
        if let plain = Int(text) {
            guard (0...maximumSeconds).contains(plain) else { throw invalid }
            return plain
        }
        var total = 0
        var number = ""
        var lastUnit = Int.max
        for character in text {
            if character.isASCIIDigit {
                number.append(character)
                continue
            }
            let unit: Int
            switch character {
            case "d": unit = 86_400
            case "h": unit = 3600
            case "m": unit = 60
            case "s": unit = 1
            default: throw invalid
            }
            // Units must appear once each, largest first.
            guard let value = Int(number), unit < lastUnit else { throw invalid }
            let (product, overflow) = value.multipliedReportingOverflow(by: unit)
            guard !overflow, total <= Int.max - product else { throw invalid }
            total += product
            number = ""
            lastUnit = unit
        }
        guard number.isEmpty, total <= maximumSeconds else { throw invalid }
        return total
    }

    /// `3600` → `1h`, `5400` → `1h30m`, `61` → `1m1s`.
    public static func format(_ seconds: Int) -> String {
        guard seconds > 0 else { return "0s" }
        let hours = seconds / 3600, minutes = seconds % 3600 / 60, rest = seconds % 60
        return (hours > 0 ? "\(hours)h" : "") + (minutes > 0 ? "\(minutes)m" : "") + (rest > 0 ? "\(rest)s" : "")
    }
}
