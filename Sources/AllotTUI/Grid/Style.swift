/// A terminal color as a theme names it; the backend maps it to what the terminal can show (8, 256 or true color).
public enum TermColor: Hashable, Sendable {
    /// The terminal's own foreground or background (keeps transparent and default-background terminals right).
    case terminalDefault
    /// One of the 16 ANSI colors (0–7 normal, 8–15 bright).
    case ansi(Int)
    /// An xterm 256-color index.
    case indexed(Int)
    case rgb(UInt8, UInt8, UInt8)

    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Reads `default`, `red`, `bright_blue`, `color214` / `214`, or `#rrggbb`.
    public init?(name: String) {
        let n = name.lowercased().replacingOccurrences(of: "-", with: "_")
        if n == "default" || n == "none" { self = .terminalDefault; return }
        if let i = Self.names.firstIndex(of: n) { self = .ansi(i); return }
        if n.hasPrefix("bright_"), let i = Self.names.firstIndex(of: String(n.dropFirst(7))) { self = .ansi(i + 8); return }
        if let i = Int(n.hasPrefix("color") ? String(n.dropFirst(5)) : n), (0...255).contains(i) { self = .indexed(i); return }
        if n.hasPrefix("#"), n.count == 7, let v = UInt32(n.dropFirst(), radix: 16) {
            self = .rgb(UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)); return
        }
        return nil
    }

    /// The nearest xterm 256-color index (16–255 cube and grays for RGB).
    public var index256: Int? {
        switch self {
        case .terminalDefault: return nil
        case .ansi(let i): return i
        case .indexed(let i): return i
        case .rgb(let r, let g, let b):
            func cube(_ v: UInt8) -> Int { v < 48 ? 0 : (v < 115 ? 1 : (Int(v) - 35) / 40) }
            let (cr, cg, cb) = (cube(r), cube(g), cube(b))
            let levels = [0, 95, 135, 175, 215, 255]
            let cubeIndex = 16 + 36 * cr + 6 * cg + cb
            let gray = (Int(r) + Int(g) + Int(b)) / 3
            let grayIndex = gray > 238 ? 255 : max(232, 232 + (gray - 8) / 10)
            let grayLevel = 8 + (grayIndex - 232) * 10
            func dist(_ x: Int, _ y: Int, _ z: Int) -> Int {
                (x - Int(r)) * (x - Int(r)) + (y - Int(g)) * (y - Int(g)) + (z - Int(b)) * (z - Int(b))
            }
            return dist(levels[cr], levels[cg], levels[cb]) <= dist(grayLevel, grayLevel, grayLevel) ? cubeIndex : grayIndex
        }
    }

    /// The nearest of the 8 basic colors, for terminals that have no more.
    public var index8: Int? {
        guard let i = index256 else { return nil }
        if i < 16 { return i % 8 }
        let (r, g, b): (Int, Int, Int)
        if i >= 232 { let l = 8 + (i - 232) * 10; (r, g, b) = (l, l, l) } else {
            let c = i - 16; let levels = [0, 95, 135, 175, 215, 255]
            (r, g, b) = (levels[c / 36], levels[c / 6 % 6], levels[c % 6])
        }
        let hi = max(r, g, b)
        if hi < 60 { return 0 }
        let t = hi / 2
        let bits = (r > t ? 1 : 0) | (g > t ? 2 : 0) | (b > t ? 4 : 0)
        return bits == 0 ? 0 : bits
    }
}

/// How one cell is drawn: colors and attributes.
public struct CellStyle: Hashable, Sendable {
    public var fg: TermColor
    public var bg: TermColor
    public var bold: Bool
    public var underline: Bool
    public var reverse: Bool
    public var dim: Bool
    public init(fg: TermColor = .terminalDefault, bg: TermColor = .terminalDefault, bold: Bool = false,
                underline: Bool = false, reverse: Bool = false, dim: Bool = false) {
        self.fg = fg; self.bg = bg; self.bold = bold; self.underline = underline; self.reverse = reverse; self.dim = dim
    }
    public static let plain = CellStyle()
}
