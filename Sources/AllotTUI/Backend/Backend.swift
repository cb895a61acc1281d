/// Where frames go and keys come from: the terminal (ncurses) or memory (tests, the benchmark).
public protocol TerminalBackend: AnyObject {
    /// The screen's size now.
    var size: (rows: Int, cols: Int) { get }
    /// Shows a frame, sending only the cells that differ from the frame shown before.
    func present(_ grid: CellGrid)
    /// The next key, or nil when none arrives within `timeoutMilliseconds`. A resize arrives as `nil` with a new `size`.
    func readKey(timeoutMilliseconds: Int) -> Key?
    /// True once the terminal is gone (the SSH connection dropped, the tmux pane was killed): the loop ends then.
    var hungUp: Bool { get }
}

extension TerminalBackend {
    public var hungUp: Bool { false }
}

/// A run of changed cells on one row that share a style, sent to the terminal as one write.
public struct CellRun: Hashable, Sendable {
    public var row: Int
    public var col: Int
    public var text: String
    public var style: CellStyle
}

/// Computes what must be sent to turn the frame on screen into the next one.
public enum FrameDiff {
    /// The runs of cells that changed; everything when there is no previous frame or the size changed.
    public static func runs(from old: CellGrid?, to new: CellGrid) -> [CellRun] {
        let full = old == nil || old!.rows != new.rows || old!.cols != new.cols
        var out: [CellRun] = []
        for r in 0..<new.rows {
            var c = 0
            while c < new.cols {
                let cell = new[r, c]
                if cell.continuation || (!full && old![r, c] == cell && !(c + 1 < new.cols && new[r, c + 1].continuation && old![r, c + 1] != new[r, c + 1])) {
                    c += 1; continue
                }
                var run = CellRun(row: r, col: c, text: cell.text, style: cell.style)
                c += 1
                while c < new.cols {
                    let next = new[r, c]
                    if next.continuation { c += 1; continue }
                    guard next.style == run.style, full || old![r, c] != next else { break }
                    run.text += next.text
                    c += 1
                }
                out.append(run)
            }
        }
        return out
    }
}

/// A terminal in memory: frames are kept as grids, keys come from a script. Tests and `allot bench tui` use it.
public final class MemoryBackend: TerminalBackend {
    public private(set) var screen: CellGrid?
    /// Cells sent by the last `present` (how much the diff saved).
    public private(set) var lastRuns: [CellRun] = []
    public var size: (rows: Int, cols: Int)
    public var keys: [Key]

    public init(rows: Int, cols: Int, keys: [Key] = []) { size = (rows, cols); self.keys = keys }

    public func present(_ grid: CellGrid) {
        lastRuns = FrameDiff.runs(from: screen, to: grid)
        screen = grid
    }

    public func readKey(timeoutMilliseconds: Int) -> Key? { keys.isEmpty ? nil : keys.removeFirst() }
}
