/// User input echoed in a message: printable ASCII only, at most `limit` scalars, so a hostile value
/// can neither flood a terminal nor send it escape sequences (fuzzing found an ARN partition echoed
/// whole, control bytes and all).
public func printableExcerpt(_ text: some StringProtocol, limit: Int) -> String {
    let scalars = text.unicodeScalars
    let shown = scalars.prefix(limit).map { $0.value >= 0x20 && $0.value < 0x7f ? String($0) : "?" }.joined()
    return scalars.count > limit ? shown + "…" : shown
}
