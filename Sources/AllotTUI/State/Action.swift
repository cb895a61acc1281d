import AllotCore
import AllotStore

/// Everything that can happen to the workbench: a key, a resize, a tick of the clock, or an answer from the store.
public enum Action: Hashable, Sendable {
    case key(Key)
    case resized(rows: Int, cols: Int)
    case tick(Timestamp)
    /// Someone else changed the mirror: reload what is shown, keeping the selection.
    case mirrorChanged
    case planLoaded(PlanHeader?)
    /// The integration health was read: the status line's marker, or nil when every source is fresh.
    case sourcesChecked(String?)
    /// Rows of the queue; `reachedStart` says the rows begin at the queue's first line (known for windows around a line).
    case queueLoaded(request: Int, placement: QueuePlacement, rows: [QueueRow], reachedStart: Bool = false)
    case countsLoaded(request: Int, QueueCounts)
    /// The learned signals drawn beside the queue (override likelihood) were retrained: redraw the rows shown with them.
    case signalsUpdated
    case heldLoaded([HeldOrder])
    case escalationsLoaded([EscalationRow])
    case auditLoaded([AuditRow])
    case detailLoaded(LineKey, LineDetail?, history: [AuditRow])
    /// A line's options table, read after its detail (it may need the engine to re-solve the line's group).
    case optionsLoaded(LineKey, [SourcingChoice])
    case supplyLoaded(SKU, SupplyPicture?)
    case panelLoaded(String, PanelContent)
    case decided(ConfirmedDecision, DecisionReply)
    case themeChanged(String)
    case failed(String)
}

/// How loaded queue rows join the window already shown.
public enum QueuePlacement: Hashable, Sendable {
    /// A new window from the top (or after a filter/sort change).
    case replaceFromTop
    /// A new window at the bottom (`G`).
    case replaceFromBottom
    /// Rows after the window.
    case append
    /// Rows before the window.
    case prepend
    /// A fresh window around a line (refresh), keeping it selected if it is still there.
    case around(LineKey, position: Int)
}

/// Work the edge does for the reducer: reads and writes of the store, theme changes, quitting.
public enum Command: Hashable, Sendable {
    case loadPlan
    case loadQueue(request: Int, QueueQuery, QueueAnchor, limit: Int, placement: QueuePlacement)
    case loadQueueAround(request: Int, QueueQuery, QueueRow.SortKey, before: Int, after: Int, placement: QueuePlacement)
    case loadCounts(request: Int, QueueFilter)
    case loadHeld
    case loadEscalations
    case loadAudit(filter: String)
    case loadDetail(LineKey)
    case loadOptions(LineKey)
    case loadSupply(SKU)
    case loadPanel(String)
    case decide(ConfirmedDecision)
    case setTheme(String)
    case quit
}
