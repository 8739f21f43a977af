/// `text` without the spaces, tabs and line ends around it (a typed or printed code, PIN or answer).
func trimmedWhitespace(_ text: Substring) -> String {
    String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
}
