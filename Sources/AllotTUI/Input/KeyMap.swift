/// What a key means in the workbench's normal mode, independent of which key the user bound to it.
public enum Intent: String, CaseIterable, Hashable, Sendable {
    case moveUp = "move_up", moveDown = "move_down", moveLeft = "move_left", moveRight = "move_right"
    case pageUp = "page_up", pageDown = "page_down", top, bottom
    case open, back, nextPane = "next_pane", help, command, filter, quit, refresh
    case sort, accept, override, escalate, approve, reject, hold, release, cancelOrder = "cancel_order", note, supply

    /// One line for the help overlay.
    public var summary: String {
        switch self {
        case .moveUp: return "move up"
        case .moveDown: return "move down"
        case .moveLeft: return "previous column / option"
        case .moveRight: return "next column / option"
        case .pageUp: return "page up"
        case .pageDown: return "page down"
        case .top: return "first line"
        case .bottom: return "last line"
        case .open: return "open the line's detail"
        case .back: return "back / close"
        case .nextPane: return "next pane"
        case .help: return "keys of this view"
        case .command: return "command line (:queue :held :escalations :supply SKU :audit :theme NAME :q)"
        case .filter: return "filter (text, type:SPLIT, tier:A, sku:…, wh:…)"
        case .quit: return "quit"
        case .refresh: return "reload from the mirror"
        case .sort: return "next sort key (type, priority, due, value, age)"
        case .accept: return "accept the recommendation"
        case .override: return "override: another option or quantities"
        case .escalate: return "escalate to a supervisor"
        case .approve: return "approve an escalation"
        case .reject: return "reject an escalation"
        case .hold: return "hold"
        case .release: return "release"
        case .cancelOrder: return "cancel the order"
        case .note: return "add a note (what the customer said, what you did)"
        case .supply: return "supply of the line's sku"
        }
    }
}

/// Which keys mean which intent; the defaults follow k9s/lazygit/mutt habits and the config file can rebind any.
///
/// `h` is hold (the action keys are the same everywhere); left moves left, and `l`/right move right.
public struct KeyMap: Hashable, Sendable {
    public private(set) var bindings: [Key: Intent]

    public init(bindings: [Key: Intent]) { self.bindings = bindings }

    public static let standard = KeyMap(bindings: [
        .up: .moveUp, .char("k"): .moveUp, .down: .moveDown, .char("j"): .moveDown,
        .left: .moveLeft, .right: .moveRight, .char("l"): .moveRight,
        .pageUp: .pageUp, .ctrl("b"): .pageUp, .pageDown: .pageDown, .ctrl("f"): .pageDown, .char(" "): .pageDown,
        .char("g"): .top, .home: .top, .char("G"): .bottom, .end: .bottom,
        .enter: .open, .escape: .back, .tab: .nextPane, .char("?"): .help, .char(":"): .command, .char("/"): .filter,
        .char("q"): .quit, .ctrl("r"): .refresh, .char("s"): .sort,
        .char("a"): .accept, .char("o"): .override, .char("e"): .escalate, .char("y"): .approve,
        .char("x"): .reject, .char("h"): .hold, .char("r"): .release, .char("C"): .cancelOrder, .char("n"): .note, .char("S"): .supply,
    ])

    public func intent(for key: Key) -> Intent? { bindings[key] }

    /// The keys bound to an intent, for help text.
    public func keys(for intent: Intent) -> [Key] {
        bindings.filter { $0.value == intent }.map(\.key).sorted { $0.label < $1.label }
    }

    /// Binds `keys` to `intent`, replacing whatever the intent was bound to and whatever those keys meant.
    public mutating func rebind(_ intent: Intent, to keys: [Key]) {
        bindings = bindings.filter { $0.value != intent }
        for k in keys { bindings[k] = intent }
    }
}
