extension Canvas {
    /// The width in pixels `drawText` takes for `text`.
    public static func textWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + TextGlyphs.glyphs[glyphIndex($1)].advance }
    }

    /// The height in pixels of a line of text.
    public static var lineHeight: Int { TextGlyphs.lineHeight }

    /// Draws `text` (printable ASCII; anything else as '?') in DejaVu Sans 11 px, antialiased,
    /// with the top-left corner of its line box at (`x`, `y`).
    public mutating func drawText(_ text: String, x: Int, y: Int, color: (Double, Double, Double)) {
        var pen = x
        for scalar in text.unicodeScalars {
            let glyph = TextGlyphs.glyphs[Canvas.glyphIndex(scalar)]
            for row in 0..<TextGlyphs.lineHeight {
                for column in 0..<glyph.width {
                    let coverage = glyph.coverage[row * glyph.width + column]
                    if coverage > 0 { blend(pen + column, y + row, color, Double(coverage) / 255) }
                }
            }
            pen += glyph.advance
        }
    }

    private static func glyphIndex(_ scalar: Unicode.Scalar) -> Int {
        (32...126).contains(scalar.value) ? Int(scalar.value) - 32 : Int(("?" as Unicode.Scalar).value) - 32
    }
}
