// Quoting for shell text rolecall prints: commands that messages tell the user to run, and the
// `export` lines of `ShellFormat.sh` (Session, which quotes for fish and PowerShell too). It lives in
// this base library because `SecureDirectory`'s messages (Issuance) quote paths as well.

/// POSIX shell single-quoting: safe to paste into sh, bash, zsh.
public func shellQuoted(_ text: String) -> String {
    if !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "/._-+=:,@%".unicodeScalars.contains($0)) }) {
        return text
    }
    return posixSingleQuoted(text)
}

/// `'…'` with each `'` as `'\''`. Scalar by scalar, not by Character: an apostrophe followed by a
/// combining mark is one Character, but the shell still sees the quote byte.
public func posixSingleQuoted(_ text: String) -> String {
    var quoted = String.UnicodeScalarView()
    quoted.append("'")
    for scalar in text.unicodeScalars {
        if scalar == "'" { quoted.append(contentsOf: "'\\''".unicodeScalars) } else { quoted.append(scalar) }
    }
    quoted.append("'")
    return String(quoted)
}
