import Foundation
import AllotCore
import AllotStore

/// Small formatting rules shared by the views, so numbers and dates read the same everywhere.
enum Format {
    /// `1,234,567`.
    static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// Money with two decimals and thousands separators: `12,345.60`.
    static func money(_ v: Double) -> String {
        let cents = Int((abs(v) * 100).rounded())
        let frac = cents % 100
        return (v < 0 ? "-" : "") + count(cents / 100) + "." + (frac < 10 ? "0" : "") + String(frac)
    }

    /// A signed money change: `+12.00`, `-3.50`.
    static func delta(_ v: Double) -> String { (v >= 0 ? "+" : "") + money(v) }

    /// How long ago, shortly: `45s`, `12m`, `5h`, `3d`.
    static func age(_ seconds: Double) -> String {
        let s = max(0, Int(seconds))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86_400 { return "\(s / 3600)h" }
        return "\(s / 86_400)d"
    }

    /// Allocations as `DAL×40 ATL×20`; transfers and receipts get a mark (`DAL×40↻`, `ATL×5⇣`).
    static func allocations(_ a: [Allocation]) -> String {
        guard !a.isEmpty else { return "—" }
        return a.map { x in
            let mark: String
            switch x.source {
            case .onHand: mark = ""
            case .receipt: mark = "⇣"
            case .transfer: mark = "↻"
            case .substitute: mark = "≈"
            }
            return "\(x.warehouseID)×\(x.qty)\(mark)"
        }.joined(separator: " ")
    }

    /// Promise against requested date: `12-02 +2` when late, `11-30 ok` when on time, `—` when nothing is promised.
    static func promise(_ promise: Day?, requested: Day?) -> String {
        guard let p = promise else { return "—" }
        guard let r = requested else { return p.short }
        let late = p - r
        return late > 0 ? "\(p.short) +\(late)" : "\(p.short) ok"
    }

    static func exceptions(_ e: [ExceptionKind]) -> String { e.map(\.rawValue).joined(separator: " ") }
}

/// A column of a table view: its title, width and alignment.
struct ColumnSpec {
    var title: String
    var width: Int
    var right = false
}

/// Draws tables: a header row and rows of cells, cut to each column's width (wide characters counted right).
enum TableDrawing {
    /// Gives the last column the room left over, so tables fill the screen's width.
    static func stretch(_ columns: [ColumnSpec], to width: Int) -> [ColumnSpec] {
        var c = columns
        guard let last = c.last, !last.right else { return c }
        let used = c.dropLast().reduce(0) { $0 + $1.width + 1 } + 1
        c[c.count - 1].width = max(c[c.count - 1].width, width - used - 1)
        return c
    }

    static func header(_ grid: inout CellGrid, row: Int, _ columns: [ColumnSpec], style: CellStyle) {
        grid.fill(row: row, style: style)
        draw(&grid, row: row, columns, columns.map(\.title), style: style)
    }

    static func draw(_ grid: inout CellGrid, row: Int, _ columns: [ColumnSpec], _ values: [String], style: CellStyle,
                     styles: [CellStyle?] = []) {
        var col = 1
        for (i, c) in columns.enumerated() where col < grid.cols {
            let v = i < values.count ? values[i] : ""
            let st = (i < styles.count ? styles[i] : nil) ?? style
            grid.put(TextWidth.fit(v, c.width, right: c.right), row: row, col: col, style: st, maxWidth: c.width)
            col += c.width + 1
        }
    }
}
