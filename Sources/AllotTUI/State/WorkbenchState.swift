import AllotCore
import AllotStore

/// Who is working and on which mirror (the status line), fixed for a session.
public struct Session: Hashable, Sendable {
    public var user: String
    public var role: Role
    public var mirrorName: String
    public init(user: String, role: Role, mirrorName: String) { self.user = user; self.role = role; self.mirrorName = mirrorName }
}

/// A place in the workbench; the navigation stack of screens gives the breadcrumbs.
public enum Screen: Hashable, Sendable {
    case queue
    case held
    case escalations
    case audit
    case detail(LineKey)
    case supply(SKU)
    /// A view added through the panel registry (`:metrics`, `:sources`).
    case panel(String)

    public var title: String {
        switch self {
        case .queue: return "Exception queue"
        case .held: return "Held orders"
        case .escalations: return "Escalations"
        case .audit: return "Audit"
        case .detail(let k): return "Line \(k)"
        case .supply(let s): return "Supply \(s)"
        case .panel(let name): return PanelRegistry.panel(named: name)?.title ?? name
        }
    }

    /// The view each role opens on.
    public static func home(for role: Role) -> Screen {
        switch role {
        case .planner, .admin: return .queue
        case .customerService, .finance: return .held
        case .supervisor: return .escalations
        }
    }
}

/// What the keyboard is doing right now: moving around, or typing into a prompt.
public enum Mode: Hashable, Sendable {
    case normal
    case help
    case commandLine(TextField)
    case filter(TextField)
    case rationale(RationalePrompt)
    case override(OverrideEditor)
}

/// A short message under the screen confirming what just happened, or saying why something was refused.
public struct Flash: Hashable, Sendable {
    public var text: String
    public var isError: Bool
    public init(_ text: String, isError: Bool = false) { self.text = text; self.isError = isError }
}

/// The planner's queue as the workbench holds it: a window of loaded rows around the selection, never the whole queue.
public struct QueueModel: Hashable, Sendable {
    public var query = QueueQuery()
    public var rows: [QueueRow] = []
    /// The position (in the whole filtered queue) of `rows[0]`, when known.
    public var windowStart = 0
    public var cursor = ListCursor()
    /// The loaded window touches the first / last line of the queue.
    public var atStart = true
    public var atEnd = true
    public var counts: QueueCounts?
    /// A load is on its way; requests are numbered so an answer to an outdated one is dropped.
    public var pending: Int?
    /// The counts request on its way, if any.
    public var countsRequest: Int?
    public var loaded = false
    public init() {}

    public var selectedRow: QueueRow? { rows.indices.contains(cursor.selected) ? rows[cursor.selected] : nil }
}

/// A screen's list of rows read whole from the store (held orders, escalations, audit, a panel).
public struct TableModel<Row: Hashable & Sendable>: Hashable, Sendable {
    public var rows: [Row] = []
    public var cursor = ListCursor()
    public var loaded = false
    public init() {}
    public var selectedRow: Row? { rows.indices.contains(cursor.selected) ? rows[cursor.selected] : nil }
}

/// The line detail screen's data and which pane has focus.
public struct DetailModel: Hashable, Sendable {
    public var key: LineKey
    public var detail: LineDetail?
    public var options: [SourcingChoice] = []
    public var optionsLoaded = false
    public var history: [DecisionHistoryEntry] = []
    public enum Pane: Int, CaseIterable, Hashable, Sendable { case options, lines, history }
    public var pane: Pane = .options
    public var cursor = ListCursor()
    public var missing = false
    public init(key: LineKey) { self.key = key }
}

/// The supply screen's data.
public struct SupplyModel: Hashable, Sendable {
    public var sku: SKU
    public var picture: SupplyPicture?
    public var cursor = ListCursor()
    public var missing = false
    public init(sku: SKU) { self.sku = sku }
}

/// The whole workbench as one value: `reduce(state, action)` makes the next one, views draw it.
public struct WorkbenchState: Hashable, Sendable {
    public var session: Session
    public var rows: Int
    public var cols: Int
    /// Navigation: the last screen is the one shown; breadcrumbs list them all.
    public var stack: [Screen]
    public var mode: Mode = .normal
    public var flash: Flash?
    public var keyMap: KeyMap
    public var themeName: String
    public var mouse: Bool
    public var plan: PlanHeader?
    /// The integration-health marker the status line shows in red (a source stale or failing), nil when all is well.
    public var sourcesAlert: String?
    /// When the sources were last checked (they go stale with time alone, so the clock re-checks them).
    public var sourcesCheckedAt = 0.0
    /// Now, as the last tick said (plan age and line ages are measured against it).
    public var now: Timestamp
    public var policy: PolicyFacts
    public var queue = QueueModel()
    public var held = TableModel<HeldOrder>()
    public var escalations = TableModel<EscalationRow>()
    public var audit = TableModel<AuditRow>()
    public var auditFilter = ""
    public var detail: DetailModel?
    public var supply: SupplyModel?
    public var panel: PanelContent?
    public var panelCursor = ListCursor()
    /// `o` pressed on a line whose options are still loading: open the override editor when they arrive.
    public var pendingOverride: LineKey?
    public var quitting = false
    /// Numbers load requests so that only the newest answer is applied.
    public var requestCounter = 0

    public init(session: Session, rows: Int, cols: Int, keyMap: KeyMap = .standard, themeName: String = "dark",
                mouse: Bool = true, now: Timestamp, policy: PolicyFacts = PolicyFacts()) {
        self.session = session; self.rows = rows; self.cols = cols; self.keyMap = keyMap; self.themeName = themeName
        self.mouse = mouse; self.now = now; self.policy = policy
        stack = [Screen.home(for: session.role)]
    }

    public var screen: Screen { stack.last ?? .queue }

    /// Rows available to the current screen's list, between its headings and the status and flash lines.
    public var bodyHeight: Int { ScreenLayout.bodyHeight(self) }
}

/// The parts of the policy the workbench shows or offers (reason codes per action).
public struct PolicyFacts: Hashable, Sendable {
    public var version: String
    public var reasons: [String: [String]]
    /// The role queue each exception goes to, and how long it may wait there (hours): the queue marks lines past it.
    public var routing: [ExceptionKind: Role] = Policy.defaultRouting
    public var slaHours: [Role: Double] = Policy().slaHours
    public init(version: String = Policy().version, reasons: [String: [String]] = Policy.defaultReasons) {
        self.version = version; self.reasons = reasons
    }
    public init(_ p: Policy) { version = p.version; reasons = p.reasons; routing = p.routing; slaHours = p.slaHours }

    /// True when a line whose first exception is `kind` has waited `seconds` longer than its queue's SLA.
    public func pastSLA(_ kind: ExceptionKind?, waited seconds: Double) -> Bool {
        guard let kind, let sla = slaHours[routing[kind] ?? .planner] else { return false }
        return seconds > sla * 3600
    }
    /// The codes the prompt offers: the policy's list; OTHER when it lists none; none for a note unless listed.
    public func reasonCodes(for action: DecisionAction, releasingUnits: Bool = false) -> [String] {
        let key = action == .release && releasingUnits && reasons[Policy.releaseUnitsKey] != nil ? Policy.releaseUnitsKey : action.rawValue
        let list = reasons[key] ?? []
        return list.isEmpty && action != .note ? ["OTHER"] : list
    }
}
