extension QRMatrix {
    /// The code as terminal text, the same as `qrencode -t UTF8` prints (`-t UTF8i` when `inverted`):
    /// two module rows per line in `▀ ▄ █` and spaces, with the quiet zone (two lines above and
    /// below, four columns each side), every line ending in a newline.
    ///
    /// Like qrencode, the glyphs draw the light modules and leave the dark ones blank, for light text
    /// on a dark background; `inverted` draws the dark ones, for dark text on a light background.
    public func terminalText(inverted: Bool = false) -> String {
        let side = width + 2 * Self.quietZone
        let lines = Self.quietZone / 2 + (width + 1) / 2 + Self.quietZone / 2
        // Each glyph is at most 3 bytes of UTF-8, each line ends in "\n".
        var output = OutputBuffer(capacity: lines * (side * 3 + 1))

        /// The glyph for two stacked modules, `true` for dark.
        func glyph(top: Bool, bottom: Bool) -> StaticString {
            switch (top != inverted, bottom != inverted) {
            case (true, true): " "
            case (true, false): "▄"
            case (false, true): "▀"
            case (false, false): "█"
            }
        }
        let light = glyph(top: false, bottom: false)

        func quietLines() {
            for _ in 0..<(Self.quietZone / 2) {
                for _ in 0..<side { output.append(light) }
                output.append(UInt8(ascii: "\n"))
            }
        }

        quietLines()
        for top in stride(from: 0, to: width, by: 2) {
            for _ in 0..<Self.quietZone { output.append(light) }
            for x in 0..<width {
                // An odd width leaves the last line a row short: its lower half is light, as in qrencode.
                output.append(glyph(top: isDark(x: x, y: top), bottom: top + 1 < width && isDark(x: x, y: top + 1)))
            }
            for _ in 0..<Self.quietZone { output.append(light) }
            output.append(UInt8(ascii: "\n"))
        }
        quietLines()
        return output.finish()
    }
}
