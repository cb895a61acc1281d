import Foundation
import CNcurses

/// The real terminal, through ncurses: it receives only the changed runs of each frame and reads wide keys and mouse.
public final class NcursesBackend: TerminalBackend {
    private let window: UnsafeMutablePointer<WINDOW>
    private var shown: CellGrid?
    private var pairs: [PairKey: Int16] = [:]
    private let colors: Int
    private let useColor: Bool
    private struct PairKey: Hashable { var fg: Int; var bg: Int }
    public private(set) var hungUp = false

    /// Starts ncurses (locale first, so UTF-8 and wide characters work). `color` false draws attributes only.
    public init(color: Bool, mouse: Bool) {
        setlocale(LC_ALL, "")
        guard let w = initscr() else { fatalError("cannot start the terminal (initscr failed): is TERM set?") }
        window = w
        raw(); noecho(); keypad(w, true); curs_set(0); nonl()
        set_escdelay(25)
        if color && has_colors() {
            start_color()
            use_default_colors()
            colors = Int(allot_colors())
        } else {
            colors = 0
        }
        useColor = colors >= 8
        if mouse { mousemask(allot_mouse_all(), nil); mouseinterval(200) }
    }

    /// Gives the terminal back as it was.
    public func close() {
        endwin()
    }

    public var size: (rows: Int, cols: Int) { (Int(allot_getmaxy(window)), Int(allot_getmaxx(window))) }

    public func present(_ grid: CellGrid) {
        let runs = FrameDiff.runs(from: shown, to: grid)
        if shown == nil || shown!.rows != grid.rows || shown!.cols != grid.cols { werase(window) }
        for run in runs {
            let (attrs, pair) = attributes(run.style)
            _ = allot_set_attr(window, attrs, pair)
            _ = mvwaddstr(window, Int32(run.row), Int32(run.col), run.text)
        }
        _ = allot_set_attr(window, allot_a_normal(), 0)
        wnoutrefresh(window)
        doupdate()
        shown = grid
    }

    private func attributes(_ s: CellStyle) -> (attr_t, Int16) {
        var a = allot_a_normal()
        if s.bold { a |= allot_a_bold() }
        if s.underline { a |= allot_a_underline() }
        if s.reverse { a |= allot_a_reverse() }
        if s.dim { a |= allot_a_dim() }
        guard useColor else { return (a, 0) }
        let fg = colorNumber(s.fg), bg = colorNumber(s.bg)
        if fg == -1 && bg == -1 { return (a, 0) }
        let key = PairKey(fg: fg, bg: bg)
        if let p = pairs[key] { return (a, p) }
        let next = Int16(pairs.count + 1)
        guard Int(next) < min(Int(allot_color_pairs()), 32_000) else { return (a, 0) }
        init_pair(next, Int16(fg), Int16(bg))
        pairs[key] = next
        return (a, next)
    }

    /// The terminal's number for a theme color: 256-color index, or the nearest of 8 (or 16) on smaller terminals.
    private func colorNumber(_ c: TermColor) -> Int {
        if colors >= 256 { return c.index256 ?? -1 }
        if colors >= 16, case .ansi(let i) = c { return i }
        return c.index8 ?? -1
    }

    public func readKey(timeoutMilliseconds: Int) -> Key? {
        wtimeout(window, Int32(timeoutMilliseconds))
        var ch: UInt32 = 0
        let r = allot_get_wch(window, &ch)
        if r == allot_err() {
            if Self.inputClosed() { hungUp = true }
            return nil
        }
        if r == allot_key_code_yes() { return functionKey(Int32(ch)) }
        switch ch {
        case 10, 13: return .enter
        case 9: return .tab
        case 27: return .escape
        case 127, 8: return .backspace
        case 0: return nil
        case 1...26: return .ctrl(Character(Unicode.Scalar(ch + 96)!))
        default:
            guard let s = Unicode.Scalar(ch) else { return nil }
            return .char(Character(s))
        }
    }

    /// Whether the terminal's input has hung up: no key came, and standard input reports a hang-up or an error.
    private static func inputClosed() -> Bool {
        var fd = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        guard poll(&fd, 1, 0) >= 0 else { return errno != EINTR && errno != EAGAIN }
        return fd.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    private func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        case allot_key_resize(): return nil
        case allot_key_mouse():
            var e = MEVENT()
            guard getmouse(&e) == allot_ok() else { return nil }
            let kind: MouseEvent.Kind
            if e.bstate & allot_wheel_up() != 0 { kind = .scrollUp }
            else if allot_wheel_down() != 0 && e.bstate & allot_wheel_down() != 0 { kind = .scrollDown }
            else if e.bstate & allot_button1_double() != 0 { kind = .doubleClick }
            else if e.bstate & allot_button1_click() != 0 { kind = .press }
            else { return nil }
            return .mouse(MouseEvent(kind: kind, row: Int(e.y), col: Int(e.x)))
        default:
            let f = code - allot_key_f0()
            if (1...12).contains(f) { return .function(Int(f)) }
            return nil
        }
    }
}
