/// One screen position: the character drawn there and its style.
///
/// A wide character occupies its cell and the next one; the next one is a `continuation` with empty text.
public struct Cell: Hashable, Sendable {
    public var text: String
    public var style: CellStyle
    public var continuation: Bool
    public init(text: String = " ", style: CellStyle = .plain, continuation: Bool = false) {
        self.text = text; self.style = style; self.continuation = continuation
    }
}

/// The in-memory screen every view draws into; a backend shows it (sending only cells that changed).
public struct CellGrid: Hashable, Sendable {
    public private(set) var rows: Int
    public private(set) var cols: Int
    public private(set) var cells: [Cell]

    public init(rows: Int, cols: Int, style: CellStyle = .plain) {
        self.rows = max(0, rows); self.cols = max(0, cols)
        cells = Array(repeating: Cell(style: style), count: self.rows * self.cols)
    }

    public subscript(row: Int, col: Int) -> Cell {
        get { cells[row * cols + col] }
        set { cells[row * cols + col] = newValue }
    }

    /// Paints a rectangle with spaces in `style`.
    public mutating func fill(row: Int, col: Int = 0, height: Int = 1, width: Int? = nil, style: CellStyle) {
        let w = width ?? cols - col
        for r in max(0, row)..<min(rows, row + height) {
            for c in max(0, col)..<min(cols, col + w) { self[r, c] = Cell(style: style) }
        }
    }

    /// Writes text from (row, col), escaping unsafe characters, never past `col + maxWidth` or the right edge;
    /// returns the column after the last one written. A wide character that does not fit is replaced by a space.
    @discardableResult
    public mutating func put(_ text: String, row: Int, col: Int, style: CellStyle, maxWidth: Int? = nil) -> Int {
        guard row >= 0, row < rows, col < cols else { return col }
        let limit = min(cols, maxWidth.map { col + max(0, $0) } ?? cols)
        var c = col
        for ch in TextWidth.sanitize(text) {
            let w = TextWidth.of(ch)
            if w == 0 {
                // A combining mark joins the character before it.
                if c > 0, c - 1 < cols, c - 1 >= col {
                    var base = c - 1
                    if self[row, base].continuation && base > 0 { base -= 1 }
                    self[row, base].text.append(ch)
                }
                continue
            }
            if c + w > limit {
                if c < limit { clearWide(row, c); self[row, c] = Cell(text: " ", style: style) }
                return limit
            }
            if c >= 0 {
                clearWide(row, c)
                if w == 2 { clearWide(row, c + 1) }
                self[row, c] = Cell(text: String(ch), style: style)
                if w == 2 { self[row, c + 1] = Cell(text: "", style: style, continuation: true) }
            }
            c += w
        }
        return c
    }

    /// Before overwriting a cell, blanks the other half of a wide character it belongs to.
    private mutating func clearWide(_ row: Int, _ col: Int) {
        guard col >= 0, col < cols else { return }
        if self[row, col].continuation, col > 0 {
            self[row, col - 1] = Cell(text: " ", style: self[row, col - 1].style)
        } else if col + 1 < cols, self[row, col + 1].continuation {
            self[row, col + 1] = Cell(text: " ", style: self[row, col + 1].style)
        }
    }

    /// Applies a style to a run of cells without changing their text (selection bars, highlights).
    public mutating func restyle(row: Int, col: Int = 0, width: Int? = nil, _ change: (inout CellStyle) -> Void) {
        guard row >= 0, row < rows else { return }
        let end = min(cols, col + (width ?? cols))
        for c in max(0, col)..<end { change(&cells[row * cols + c].style) }
    }

    /// The screen as plain text, one string per row, trailing spaces kept (golden screens compare these).
    public var lines: [String] {
        (0..<rows).map { r in
            var s = ""
            for c in 0..<cols where !self[r, c].continuation { s += self[r, c].text }
            return s
        }
    }

    /// The screen as one text block with trailing spaces removed from each row.
    public var text: String {
        lines.map { l in
            var s = Substring(l)
            while s.last == " " { s = s.dropLast() }
            return String(s)
        }.joined(separator: "\n")
    }
}
