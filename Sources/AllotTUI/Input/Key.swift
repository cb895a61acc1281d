/// One key press (or mouse event) as the workbench sees it, whatever the terminal sent.
public enum Key: Hashable, Sendable {
    case char(Character)
    case ctrl(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    case function(Int)
    case mouse(MouseEvent)

    /// Reads a key name as written in the config file: `j`, `down`, `pgdn`, `enter`, `esc`, `tab`, `ctrl-r`, `f5`, `space`.
    public init?(name: String) {
        let n = name.lowercased()
        switch n {
        case "up": self = .up
        case "down": self = .down
        case "left": self = .left
        case "right": self = .right
        case "pgup", "pageup", "page_up": self = .pageUp
        case "pgdn", "pagedown", "page_down": self = .pageDown
        case "home": self = .home
        case "end": self = .end
        case "enter", "return": self = .enter
        case "esc", "escape": self = .escape
        case "tab": self = .tab
        case "backtab", "shift-tab": self = .backTab
        case "backspace": self = .backspace
        case "delete", "del": self = .delete
        case "space": self = .char(" ")
        default:
            if name.count == 1 { self = .char(name.first!); return }
            if n.hasPrefix("ctrl-"), n.count == 6 { self = .ctrl(n.last!); return }
            if n.hasPrefix("f"), let i = Int(n.dropFirst()), (1...12).contains(i) { self = .function(i); return }
            return nil
        }
    }

    /// How help and hints write the key.
    public var label: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "Ctrl-\(c.uppercased())"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "S-Tab"
        case .backspace: return "BS"
        case .delete: return "Del"
        case .function(let i): return "F\(i)"
        case .mouse: return "mouse"
        }
    }
}

/// A mouse click or wheel turn at a screen position.
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case press, doubleClick, scrollUp, scrollDown }
    public var kind: Kind
    public var row: Int
    public var col: Int
    public init(kind: Kind, row: Int, col: Int) { self.kind = kind; self.row = row; self.col = col }
}
