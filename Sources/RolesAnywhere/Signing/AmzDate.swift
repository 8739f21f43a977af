#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SigV4's `X-Amz-Date` form, `yyyyMMdd'T'HHmmss'Z'`, in UTC.
public enum AmzDate {
    public static func string(from date: Date) -> String {
        UTCTime(date).text(dateSeparator: "", timeSeparator: "")
    }

    public static func date(from string: String) -> Date? {
        let utf8 = Array(string.utf8)
        guard utf8.count == 16, utf8[8] == UInt8(ascii: "T"), utf8[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int32? {
            guard utf8[range].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
            return Int32(String(decoding: utf8[range], as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
              let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}

/// A moment's calendar fields in UTC, whole seconds, written `YYYY?MM?DDTHH?MM?SSZ` (gmtime_r: no
/// ICU, no locale).
struct UTCTime {
    let fields: [(value: Int, width: Int)]

    init(_ date: Date) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        fields = [(Int(parts.tm_year) + 1900, 4), (Int(parts.tm_mon) + 1, 2), (Int(parts.tm_mday), 2),
                  (Int(parts.tm_hour), 2), (Int(parts.tm_min), 2), (Int(parts.tm_sec), 2)]
    }

    func text(dateSeparator: String, timeSeparator: String) -> String {
        let padded = fields.map { field in
            let digits = String(field.value)
            return String(repeating: "0", count: max(field.width - digits.count, 0)) + digits
        }
        return padded[0...2].joined(separator: dateSeparator) + "T" + padded[3...5].joined(separator: timeSeparator) + "Z"
    }
}
