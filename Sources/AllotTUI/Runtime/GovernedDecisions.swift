import Foundation
import AllotCore
import AllotStore

/// The governance layer's `DecisionStore` as the workbench's decision gateway: every decision goes through the
/// workflow (permissions, staleness, ATP) and is written with its audit entry in one transaction.
public struct GovernedDecisions: DecisionGateway {
    public let store: DecisionStore
    let reads: WorkbenchReads
    public init(mirror: Mirror) { store = DecisionStore(mirror: mirror); reads = WorkbenchReads(mirror: mirror) }

    public func record(_ d: ConfirmedDecision, session: Session) -> DecisionReply {
        let user = User(name: session.user, role: session.role)
        var seen: SeenVersion?
        if case .line(_, let recVersion, let lineVersion) = d.target {
            seen = SeenVersion(lineVersion: lineVersion, recommendationVersion: recVersion)
        }
        let request = LineDecision(line: d.target.line, action: d.action, actor: .user(user), reasonCode: d.reason.isEmpty ? nil : d.reason,
                                      note: d.note.isEmpty ? nil : d.note,
                                      allocations: (d.allocations ?? []).map {
                                          RequestedAllocation(warehouseID: $0.warehouseID, qty: $0.qty, source: $0.source, mode: $0.mode)
                                      }, seen: seen)
        do {
            let result = try store.decide(request)
            // The store's summary starts with the state change the flash already says; keep what it adds
            // (other lines of the order, a policy escalation, outbox events).
            let extra = result.summary.split(separator: ";", maxSplits: 1).dropFirst().first.map { ";" + $0 } ?? ""
            let more = result.outcome.transitions.count > 1 ? " (\(result.outcome.transitions.count) lines of order \(d.target.line.orderID))" : ""
            let why = d.action == .note ? "“\(d.note)”" : "(\(d.reason))"
            return .recorded("\(d.target) \(d.action.pastTense) \(why)\(more)\(extra)")
        } catch let refusal as DecisionRefusal {
            return .refused("\(refusal)")
        } catch {
            return .refused("the mirror could not record it: \(error)")
        }
    }

    public func escalations() throws -> [EscalationRow] {
        try store.escalations().map { e in
            let history = (try? store.history(e.key)) ?? []
            let escalation = history.last { $0.stateAfter == .escalated }
            let rec = try? reads.row(e.key)
            let proposedCost = e.allocation.reduce(0) { $0 + $1.cost }
            let proposedQty = e.allocation.reduce(0) { $0 + $1.qty }
            var impact = e.escalationReasons
            if let rec, rec.requested > 0 {
                let recFill = Int((Double(rec.allocated) / Double(rec.requested) * 100).rounded())
                let newFill = Int((Double(proposedQty) / Double(rec.requested) * 100).rounded())
                if recFill != newFill { impact.insert("fill \(recFill)%→\(newFill)%", at: 0) }
            }
            return EscalationRow(key: e.key, version: rec?.version ?? e.recVersion ?? 0, lineVersion: e.version, sku: rec?.sku ?? "",
                                 customer: rec.map { $0.customerName.isEmpty ? $0.customerID : $0.customerName } ?? "",
                                 escalatedBy: e.escalatedBy ?? escalation?.user ?? "", at: Timestamp(e.updatedAt),
                                 reason: escalation?.reasonCode ?? "",
                                 note: escalation?.note ?? "", recommended: rec.map { Format.allocations($0.allocations) } ?? "",
                                 requested: Format.allocations(e.allocation),
                                 costDelta: rec.map { proposedCost - $0.cost }, serviceImpact: impact.joined(separator: "; "))
        }
    }

    public func audit(filter: String, limit: Int) throws -> [AuditRow] {
        let entries = try store.auditEntries(AuditFilter())
        let rows = entries.reversed().map { a in
            // A refused attempt shows what was refused and why beside any note.
            let note = [a.note, a.action == AuditEntry.refused ? a.detail : nil].compactMap { $0 }.filter { !$0.isEmpty }
            return AuditRow(at: Timestamp(a.at), user: a.user, role: a.role, action: a.action,
                            target: a.orderID.map { o in a.lineNo.map { "\(o):\($0)" } ?? o } ?? "", reason: a.reasonCode ?? "",
                            note: note.joined(separator: " · "))
        }
        let f = filter.lowercased()
        return Array(rows.filter { f.isEmpty || "\($0.user) \($0.role) \($0.action) \($0.target) \($0.reason) \($0.note)".lowercased().contains(f) }
            .prefix(limit))
    }

    public func history(_ key: LineKey) throws -> [AuditRow] {
        try store.history(key).reversed().map { d in
            AuditRow(at: Timestamp(d.at), user: d.user, role: d.role, action: d.action, target: d.key.description,
                     reason: d.reasonCode ?? "", note: d.note ?? "")
        }
    }
}
