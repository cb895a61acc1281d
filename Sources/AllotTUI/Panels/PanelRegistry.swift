import AllotCore
import AllotStore

/// A screen another part of Allot adds to the workbench (`:metrics` from insight, `:sources` from integration).
///
/// A panel reads what it shows from the mirror (off the UI thread) into a table; the workbench draws, scrolls and
/// navigates it like its own lists. Add one by writing a type in its own file and listing it in `PanelRegistry.all`.
public protocol WorkbenchPanel: Sendable {
    /// The command-line name that opens it (`metrics` for `:metrics`).
    var name: String { get }
    /// The breadcrumb title.
    var title: String { get }
    /// Reads the panel's content; runs on a background thread.
    func load(_ mirror: Mirror, now: Timestamp) throws -> PanelContent
}

/// What a panel shows: summary lines over a table.
public struct PanelContent: Hashable, Sendable {
    public struct Column: Hashable, Sendable {
        public var title: String
        public var width: Int
        public var alignRight: Bool
        public init(_ title: String, width: Int, alignRight: Bool = false) { self.title = title; self.width = width; self.alignRight = alignRight }
    }
    /// How a row is colored.
    public enum Tone: Hashable, Sendable { case normal, good, warning, danger, muted }
    public var summary: [String]
    public var columns: [Column]
    public var rows: [[String]]
    public var tones: [Tone]
    public init(summary: [String] = [], columns: [Column], rows: [[String]], tones: [Tone]? = nil) {
        self.summary = summary; self.columns = columns; self.rows = rows
        self.tones = tones ?? Array(repeating: .normal, count: rows.count)
    }
}

/// The panels the workbench knows, by command name.
public enum PanelRegistry {
    /// Every registered panel; each helper appends its own (one line).
    public static let all: [any WorkbenchPanel] = [MetricsPanel(), SourcesPanel()]

    public static func panel(named name: String) -> (any WorkbenchPanel)? { all.first { $0.name == name } }
}
