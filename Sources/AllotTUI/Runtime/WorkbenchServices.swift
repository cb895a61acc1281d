import Foundation
import AllotCore
import AllotStore

/// Records decisions and reads what governance keeps (escalations, audit, a line's history).
///
/// The workbench never writes decision rows itself: this is the governance layer's `DecisionStore`, seen from the TUI.
public protocol DecisionGateway: Sendable {
    func record(_ request: ConfirmedDecision, session: Session) -> DecisionReply
    func escalations() throws -> [EscalationRow]
    func audit(filter: String, limit: Int) throws -> [AuditRow]
    func history(_ key: LineKey) throws -> [AuditRow]
}

/// The options table of one line (the engine's `SourcingOption`s, seen from the TUI).
public protocol SourcingOptionsSource: Sendable {
    func options(for key: LineKey) throws -> [SourcingChoice]
}

/// Performs the reducer's commands against the store and turns the answers into actions.
///
/// Everything here may block on SQLite, so the terminal runtime calls it off the UI thread.
public struct WorkbenchServices: Sendable {
    public var mirror: Mirror
    public var reads: WorkbenchReads
    public var decisions: any DecisionGateway
    public var options: any SourcingOptionsSource
    /// Learned signals drawn beside the queue's rows (override likelihood).
    public var signals: QueueSignals

    public init(mirror: Mirror, decisions: (any DecisionGateway)? = nil, options: (any SourcingOptionsSource)? = nil) {
        self.mirror = mirror
        reads = WorkbenchReads(mirror: mirror)
        self.decisions = decisions ?? GovernedDecisions(mirror: mirror)
        self.options = options ?? EngineOptions(mirror: mirror)
        signals = QueueSignals(mirror: mirror)
    }

    /// Runs one store command; a failure becomes a `.failed` action for the flash line.
    public func perform(_ command: Command, session: Session, now: Timestamp) -> [Action] {
        do {
            switch command {
            case .loadPlan:
                let health = try? mirror.integrationHealth(now: now, staleAfterHours: mirror.storedPolicy().exceptions.staleInventoryHours)
                return [.planLoaded(try reads.currentPlanStatus()), .sourcesChecked(health.flatMap(SourcesPanel.alert))]
            case .loadQueue(let request, let query, let anchor, let limit, let placement):
                return [.queueLoaded(request: request, placement: placement, rows: signals.annotate(try reads.queuePage(query, from: anchor, limit: limit)))]
            case .loadQueueAround(let request, let query, let key, let before, let after, let placement):
                let window = try reads.queueWindow(query, around: key, before: before, after: after)
                return [.queueLoaded(request: request, placement: placement, rows: signals.annotate(window.rows), reachedStart: window.reachedStart)]
            case .loadCounts(let request, let filter):
                // Background work already: the override model (re)trains here, never in the way of a page of rows.
                let retrained = try signals.refresh()
                return [.countsLoaded(request: request, try reads.queueCounts(filter))] + (retrained ? [.signalsUpdated] : [])
            case .loadHeld:
                return [.heldLoaded(try reads.heldOrders())]
            case .loadEscalations:
                return [.escalationsLoaded(try decisions.escalations())]
            case .loadAudit(let filter):
                return [.auditLoaded(try decisions.audit(filter: filter, limit: 2000))]
            case .loadDetail(let key):
                return [.detailLoaded(key, try reads.lineDetail(key), history: try decisions.history(key))]
            case .loadOptions(let key):
                return [.optionsLoaded(key, try options.options(for: key))]
            case .loadSupply(let sku):
                return [.supplyLoaded(sku, try reads.supply(sku))]
            case .loadPanel(let name):
                guard let panel = PanelRegistry.panel(named: name) else { return [.failed("no view :\(name)")] }
                return [.panelLoaded(name, try panel.load(mirror, now: now))]
            case .decide(let request):
                return [.decided(request, decisions.record(request, session: session))]
            case .setTheme, .quit:
                return []
            }
        } catch {
            return [.failed("could not read the mirror: \(error)")]
        }
    }
}
