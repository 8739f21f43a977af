import Foundation

/// One bound parameter or result column, in the few types the schema uses; each backend converts
/// to and from its driver's own types, so the statements and the record mapping are written once.
enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    case bool(Bool)
}

/// A Swift type stored in one column.
protocol SQLValueConvertible: Sendable {
    var sqlValue: SQLValue { get }
    /// Nil when `value` is not of this type (the caller names the column in its error).
    init?(sqlValue value: SQLValue)
}

extension String: SQLValueConvertible {
    var sqlValue: SQLValue { .text(self) }
    init?(sqlValue value: SQLValue) {
        guard case .text(let text) = value else { return nil }
        self = text
    }
}

extension Int64: SQLValueConvertible {
    var sqlValue: SQLValue { .integer(self) }
    init?(sqlValue value: SQLValue) {
        guard case .integer(let integer) = value else { return nil }
        self = integer
    }
}

extension Int: SQLValueConvertible {
    var sqlValue: SQLValue { .integer(Int64(self)) }
    init?(sqlValue value: SQLValue) {
        guard case .integer(let integer) = value, let int = Int(exactly: integer) else { return nil }
        self = int
    }
}

extension Bool: SQLValueConvertible {
    var sqlValue: SQLValue { .bool(self) }
    /// SQLite has no boolean type: its BOOLEAN columns hold 0 and 1.
    init?(sqlValue value: SQLValue) {
        switch value {
        case .bool(let bool): self = bool
        case .integer(0): self = false
        case .integer(1): self = true
        default: return nil
        }
    }
}

extension Array: SQLValueConvertible where Element == UInt8 {
    var sqlValue: SQLValue { .blob(self) }
    init?(sqlValue value: SQLValue) {
        guard case .blob(let bytes) = value else { return nil }
        self = bytes
    }
}

/// Stored as whole microseconds since 1970 in a 64-bit integer, in both dialects.
extension Date: SQLValueConvertible {
    var sqlValue: SQLValue {
        let microseconds = (timeIntervalSince1970 * 1_000_000).rounded()
        // Only absurd dates (beyond ±292,000 years) are out of range; they are clamped rather than trapping.
        return .integer(Int64(exactly: microseconds) ?? (microseconds < 0 ? .min : .max))
    }
    init?(sqlValue value: SQLValue) {
        guard case .integer(let microseconds) = value else { return nil }
        self = Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }
}

extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    var sqlValue: SQLValue { self?.sqlValue ?? .null }
    init?(sqlValue value: SQLValue) {
        if value == .null {
            self = .none
        } else if let wrapped = Wrapped(sqlValue: value) {
            self = .some(wrapped)
        } else {
            return nil
        }
    }
}

/// One result row, by column name.
struct SQLRow: Sendable {
    var columns: [String: SQLValue]

    /// The column's value as `T`; an error names the column, never its content (it may be a sealed blob).
    func get<T: SQLValueConvertible>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let value = columns[column] else {
            throw StorageError.unavailable("the result has no column \(column)")
        }
        guard let converted = T(sqlValue: value) else {
            throw StorageError.unavailable("column \(column) does not hold a \(T.self)")
        }
        return converted
    }
}
