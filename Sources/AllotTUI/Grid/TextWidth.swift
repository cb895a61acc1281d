/// How many terminal columns text takes, and how untrusted text is made safe to show.
///
/// Names, notes and reasons come from outside: a control character or an escape sequence in them must be shown,
/// escaped, never sent to the terminal, and East Asian wide characters must take two columns.
public enum TextWidth {
    /// The columns one character takes: 0 (combining), 1, or 2 (wide). Escaped characters count as their escape.
    public static func of(_ c: Character) -> Int {
        if needsEscape(c) { return escaped(c).count }
        var width = 0
        var emojiPresentation = false
        for s in c.unicodeScalars {
            if s.value == 0xFE0F { emojiPresentation = true }
            width = max(width, of(s))
        }
        if emojiPresentation && c.unicodeScalars.first?.properties.isEmoji == true { width = 2 }
        return width
    }

    /// The columns of one scalar when drawn on its own.
    public static func of(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v == 0 { return 0 }
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0x200B || (0x1160...0x11FF).contains(v) { return 0 }
        return isWide(v) ? 2 : 1
    }

    /// The columns a whole string takes once escaped.
    public static func of(_ text: String) -> Int { text.reduce(0) { $0 + of($1) } }

    /// East Asian Wide and Fullwidth ranges (Unicode 15), plus emoji presented as pictographs.
    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3, 0x25FD...0x25FE,
             0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE,
             0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705,
             0x270A...0x270B, 0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757, 0x2795...0x2797, 0x27B0, 0x27BF,
             0x2B1B...0x2B1C, 0x2B50, 0x2B55, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
             0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18AFF, 0x1B000...0x1B2FF,
             0x1F004, 0x1F0CF, 0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F251, 0x1F300...0x1F64F,
             0x1F680...0x1F6FF, 0x1F7E0...0x1F7EB, 0x1F90C...0x1F9FF, 0x1FA70...0x1FAFF,
             0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// True for characters that must never reach the terminal as they are: C0/C1 controls, DEL, and the
    /// bidirectional overrides that can make text read differently from what it is.
    public static func needsEscape(_ c: Character) -> Bool {
        c.unicodeScalars.contains { s in
            let v = s.value
            return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
                || v == 0x2028 || v == 0x2029
        }
    }

    /// The visible form of an unsafe character: `\e`, `\n`, `\t`, `\r`, `\x07`, `\u{202E}`.
    public static func escaped(_ c: Character) -> String {
        var out = ""
        for s in c.unicodeScalars {
            switch s.value {
            case 0x1B: out += "\\e"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0..<0x20, 0x7F: out += "\\x" + hex(s.value, 2)
            case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: out += "\\u{" + hex(s.value, 4) + "}"
            default: out.unicodeScalars.append(s)
            }
        }
        return out
    }

    /// Text from the data made safe to draw: every unsafe character replaced by its escape.
    public static func sanitize(_ text: String) -> String {
        guard text.contains(where: needsEscape) else { return text }
        var out = ""
        for c in text { out += needsEscape(c) ? escaped(c) : String(c) }
        return out
    }

    /// Cuts text to at most `width` columns, ending in `…` when something was cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        let safe = sanitize(text)
        if of(safe) <= width { return safe }
        var out = "", used = 0
        for c in safe {
            let w = of(c)
            if used + w > width - 1 { break }
            out.append(c); used += w
        }
        return out + "…"
    }

    /// Text cut or padded with spaces to exactly `width` columns; `right` aligns numbers.
    public static func fit(_ text: String, _ width: Int, right: Bool = false) -> String {
        let t = truncate(text, to: width)
        let pad = String(repeating: " ", count: max(0, width - of(t)))
        return right ? pad + t : t + pad
    }

    private static func hex(_ v: UInt32, _ digits: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
}
