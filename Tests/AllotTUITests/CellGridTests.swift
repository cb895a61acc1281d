import Testing
@testable import AllotTUI

@Suite("Text width and the cell grid")
struct CellGridTests {
    @Test("East Asian wide characters take two columns, combining marks none")
    func widths() {
        #expect(TextWidth.of("東京商事") == 8)
        #expect(TextWidth.of("e\u{301}") == 1)
        #expect(TextWidth.of("Café") == 4)
        #expect(TextWidth.of("ｱｲ") == 2)  // halfwidth katakana stay narrow
        #expect(TextWidth.of("🙂") == 2)
    }

    @Test("control characters and escape sequences are shown escaped, never passed through")
    func escaping() {
        #expect(TextWidth.sanitize("Evil\u{1B}[31mCorp") == "Evil\\e[31mCorp")
        #expect(TextWidth.sanitize("a\nb\tc\u{7}") == "a\\nb\\tc\\x07")
        #expect(TextWidth.sanitize("x\u{202E}y") == "x\\u{202E}y")
        var g = CellGrid(rows: 1, cols: 30)
        g.put("Evil\u{1B}[31mCorp\u{9B}", row: 0, col: 0, style: .plain)
        #expect(g.lines[0].hasPrefix("Evil\\e[31mCorp\\u{009B}"))
        #expect(!g.cells.contains { $0.text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B } })
    }

    @Test("a wide character occupies its cell and a continuation cell")
    func wideCells() {
        var g = CellGrid(rows: 1, cols: 6)
        let end = g.put("東京", row: 0, col: 1, style: .plain)
        #expect(end == 5)
        #expect(g[0, 1].text == "東" && g[0, 2].continuation)
        #expect(g.lines[0] == " 東京 ")
    }

    @Test("a wide character that does not fit at the edge becomes a space")
    func wideAtEdge() {
        var g = CellGrid(rows: 1, cols: 5)
        g.put("ab東京", row: 0, col: 0, style: .plain)
        #expect(g.lines[0] == "ab東 ")
        var h = CellGrid(rows: 1, cols: 10)
        h.put("東京商事", row: 0, col: 0, style: .plain, maxWidth: 5)
        #expect(h.lines[0] == "東京      ")  // 4 columns drawn, the half-fitting 商 blanked, the rest untouched
    }

    @Test("overwriting half of a wide character blanks the other half")
    func overwriteHalf() {
        var g = CellGrid(rows: 1, cols: 4)
        g.put("東京", row: 0, col: 0, style: .plain)
        g.put("x", row: 0, col: 1, style: .plain)
        #expect(g.lines[0] == " x京")
        #expect(!g[0, 1].continuation)
    }

    @Test("a combining mark joins the character before it")
    func combining() {
        var g = CellGrid(rows: 1, cols: 4)
        g.put("e\u{301}x", row: 0, col: 0, style: .plain)
        #expect(g[0, 0].text == "e\u{301}")
        #expect(g[0, 1].text == "x")
    }

    @Test("truncation cuts by columns and ends in an ellipsis")
    func truncate() {
        #expect(TextWidth.truncate("東京商事株式会社", to: 7) == "東京商…")
        #expect(TextWidth.fit("ab", 4, right: true) == "  ab")
        #expect(TextWidth.fit("東京商事", 5) == "東京…")
    }
}

@Suite("Frame diffing")
struct FrameDiffTests {
    @Test("the first frame is sent whole, an unchanged frame not at all")
    func wholeThenNothing() {
        var g = CellGrid(rows: 2, cols: 4)
        g.put("abcd", row: 0, col: 0, style: .plain)
        let first = FrameDiff.runs(from: nil, to: g)
        #expect(first.map(\.text).joined() == "abcd    ")
        #expect(FrameDiff.runs(from: g, to: g).isEmpty)
    }

    @Test("only the changed cells are sent, grouped into runs")
    func onlyChanges() {
        var a = CellGrid(rows: 2, cols: 6)
        a.put("hello", row: 0, col: 0, style: .plain)
        var b = a
        b.put("J", row: 0, col: 0, style: .plain)
        b.put("xy", row: 1, col: 3, style: CellStyle(bold: true))
        let runs = FrameDiff.runs(from: a, to: b)
        #expect(runs == [CellRun(row: 0, col: 0, text: "J", style: .plain), CellRun(row: 1, col: 3, text: "xy", style: CellStyle(bold: true))])
    }

    @Test("a changed wide character is sent with its width intact")
    func wideChange() {
        var a = CellGrid(rows: 1, cols: 4)
        a.put("東京", row: 0, col: 0, style: .plain)
        var b = a
        b.put("商", row: 0, col: 2, style: .plain)
        #expect(FrameDiff.runs(from: a, to: b) == [CellRun(row: 0, col: 2, text: "商", style: .plain)])
    }
}
