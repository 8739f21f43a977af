/// A value from a closed set (an MFA requirement, a certificate kind, a refusal's reason) as the
/// API carries it. A newer replica or client may send a value this build does not know: it decodes
/// as `unknown`, so the rest of the answer still reads, and each place that uses the value refuses
/// it (fails closed). A strict `Codable` enum would fail the whole decode instead.
public enum WireValue<Known>: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible
where Known: RawRepresentable & Sendable & Hashable, Known.RawValue == String {
    case known(Known)
    case unknown(String)

    public init(rawValue: String) {
        self = Known(rawValue: rawValue).map { .known($0) } ?? .unknown(rawValue)
    }

    public var rawValue: String {
        switch self {
        case .known(let value): value.rawValue
        case .unknown(let text): text
        }
    }

    /// The value when this build knows it; nil for one from the future.
    public var known: Known? {
        if case .known(let value) = self { value } else { nil }
    }

    public var description: String { rawValue }
}
