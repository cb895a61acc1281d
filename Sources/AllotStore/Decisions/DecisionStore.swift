import Foundation
import GRDB
import AllotCore

/// What a decision did, for the person who made it.
public struct DecisionResult: Hashable, Sendable {
    public var outcome: DecisionEffects
    /// The decision rows written (one per line the decision moved), addressed line first.
    public var decisionIDs: [Int64]
    /// The plan the decision answered (nil when there is none).
    public var planID: String?

    /// One sentence for the terminal.
    public var summary: String {
        let o = outcome
        let effect: String? = {
            switch o.orderEffect {
            case .hold?: return "order put on hold"
            case .releaseHold(let credit)?: return credit ? "credit hold released" : "order hold released"
            case .cancel?: return "order cancelled"
            case nil: return nil
            }
        }()
        let events = o.events.isEmpty ? "" : "; outbox: " + o.events.map(\.type).joined(separator: ", ")
        guard let first = o.transitions.first else { return "\(o.action.rawValue): \(effect ?? "nothing changed")\(events)" }
        var text = "\(first.key): \(first.before.rawValue) → \(first.after.rawValue)"
        if o.transitions.count > 1 { text += " (and \(o.transitions.count - 1) more line\(o.transitions.count == 2 ? "" : "s") of order \(first.key.orderID))" }
        if o.wasEscalatedByPolicy { text += "; routed to a supervisor: " + o.escalationReasons.joined(separator: "; ") }
        if let effect { text += "; \(effect)" }
        return text + events
    }
}

/// The governed way to change a line: every decision, by a person or by the policy, goes through here.
///
/// One decision is one IMMEDIATE transaction: it reads the line's situation, asks the pure `Workflow`, and writes
/// the line's state (guarded by its version), the decision rows, the audit entries, reservations, order changes
/// and outbox events together — so two terminals can never both win, and a crash leaves all or nothing.
public struct DecisionStore: Sendable {
    public let mirror: Mirror
    public init(mirror: Mirror) { self.mirror = mirror }

    /// A user listed in the mirror's users (users.csv), or nil.
    public func user(named name: String) throws -> User? {
        try mirror.db.read { db in
            try Row.fetchOne(db, sql: "SELECT user, role FROM app_user WHERE user = ?", arguments: [name]).flatMap { r in
                Role(rawValue: r[1]).map { User(name: r[0], role: $0) }
            }
        }
    }

    /// The author for a listed user; an unlisted user is refused (`DecisionRefusal.permission`).
    public func author(named name: String) throws -> DecisionAuthor {
        guard let u = try user(named: name) else {
            throw DecisionRefusal.permission("user '\(name)' is not listed in the mirror's users (users.csv)")
        }
        return .user(u)
    }

    /// The line as a person sees it now (after applying any pending change-feed invalidations); its `version`
    /// and its recommendation's version are what a later `decide` should pass as `seen`.
    public func situation(_ key: LineKey) throws -> LineSituation? {
        try refreshInvalidations()
        return try mirror.db.read { db in try SituationLoading.order(db, key.orderID).first { $0.key == key } }
    }

    /// Makes a decision. Returns the result, or throws `DecisionRefusal` when the workflow refuses it (nothing is
    /// written then), or another error when the mirror cannot be read or written.
    @discardableResult
    public func decide(_ request: LineDecision, now: Timestamp = Timestamp(seconds: Date().timeIntervalSince1970)) throws -> DecisionResult {
        let policy = try mirror.storedPolicy()
        let result: Result<DecisionResult, DecisionRefusal> = try mirror.db.write { db in
            try Invalidation.apply(db, now: now)
            let lines = try SituationLoading.order(db, request.line.orderID)
            guard let situation = lines.first(where: { $0.key == request.line }) else {
                return .failure(.invalid("line \(request.line) is not in the mirror"))
            }
            let plan = try SituationLoading.currentPlan(db)
            let needsSupply = [.override, .approve, .release].contains(request.action)
            let supply = needsSupply ? try SituationLoading.supply(db, for: situation, asOf: plan?.asOf) : nil
            let siblings = lines.filter { $0.key != request.line }
            switch Workflow.decide(request, situation: situation, siblings: siblings, supply: supply, policy: policy) {
            case .failure(let refusal):
                // An act beyond the person's authority is kept in the audit log (a stale view or a bad input is not:
                // nothing was attempted that the role could not do).
                if case .permission(let why) = refusal {
                    try AuditLog.append(db, AuditEntry(
                        seq: 0, at: now.description, user: request.actor.name, role: request.actor.roleName,
                        action: AuditEntry.refused, orderID: request.line.orderID, lineNo: request.line.lineNo,
                        reasonCode: request.reasonCode, note: request.note, planID: plan?.id, recVersion: nil,
                        stateBefore: situation.state.rawValue, stateAfter: situation.state.rawValue, before: nil, after: nil,
                        detail: "\(request.action.rawValue) refused: \(why)", prevHash: "", hash: ""))
                }
                return .failure(refusal)
            case .success(let outcome):
                let ids = try DecisionWriter.apply(db, outcome, addressed: situation, all: lines, planID: plan?.id, now: now)
                return .success(DecisionResult(outcome: outcome, decisionIDs: ids, planID: plan?.id))
            }
        }
        return try result.get()
    }
}

/// Writes a permitted decision's outcome inside the deciding transaction.
enum DecisionWriter {
    static func apply(_ db: Database, _ o: DecisionEffects, addressed: LineSituation, all: [LineSituation],
                      planID: String?, now: Timestamp) throws -> [Int64] {
        let at = now.description
        var byKey: [LineKey: LineSituation] = [:]
        for l in all { byKey[l.key] = l }
        var transitions = o.transitions
        if !transitions.contains(where: { $0.key == addressed.key }) {
            // An order-level action that leaves the addressed line as it is: still recorded against it.
            transitions.insert(LineTransition(key: addressed.key, sku: addressed.orderLine?.sku, before: addressed.state, after: addressed.state,
                                              allocationBefore: addressed.allocation, allocationAfter: addressed.allocation,
                                              decidedRecVersion: addressed.decidedRecVersion, escalatedBy: addressed.escalatedBy), at: 0)
        }
        let detail = detailText(o)
        if o.action == .note { return [try note(db, o, on: addressed, planID: planID, at: at)] }
        var ids: [Int64] = []
        for t in transitions {
            let line = byKey[t.key]
            let oldVersion = line?.version ?? 0
            let newVersion = oldVersion + 1
            let allocation = SituationLoading.encodeAllocations(t.allocationAfter)
            let changed: Int
            if oldVersion == 0 {
                try db.cachedStatement(sql: """
                    INSERT INTO line_state(order_id, line_no, state, version, plan_id, rec_version, allocation_json, escalated_by,
                      escalation_reasons, needs_recheck, recheck_reason, updated_at, updated_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, ?, ?)
                    """).execute(arguments: [t.key.orderID, t.key.lineNo, t.after.rawValue, newVersion, planID, t.decidedRecVersion, allocation,
                                     t.escalatedBy, o.escalationReasons.isEmpty ? nil : o.escalationReasons.joined(separator: "\n"), at, o.actor.name])
                changed = db.changesCount
            } else {
                try db.cachedStatement(sql: """
                    UPDATE line_state SET state = ?, version = ?, plan_id = ?, rec_version = ?, allocation_json = ?, escalated_by = ?,
                      escalation_reasons = ?, needs_recheck = 0, recheck_reason = NULL, updated_at = ?, updated_by = ?
                    WHERE order_id = ? AND line_no = ? AND version = ?
                    """).execute(arguments: [t.after.rawValue, newVersion, planID, t.decidedRecVersion, allocation, t.escalatedBy,
                                     o.escalationReasons.isEmpty ? nil : o.escalationReasons.joined(separator: "\n"), at, o.actor.name,
                                     t.key.orderID, t.key.lineNo, oldVersion])
                changed = db.changesCount
            }
            // The transaction is IMMEDIATE, so this cannot happen unless something bypassed it; never lose an update.
            guard changed == 1 else { throw DecisionRefusal.stale("\(t.key) changed while deciding; look again") }

            let decisionID = try record(db, o, key: t.key, before: t.before, after: t.after,
                                        allocationBefore: SituationLoading.encodeAllocations(t.allocationBefore), allocationAfter: allocation,
                                        planID: planID, recVersion: line?.recommendation?.version ?? t.decidedRecVersion,
                                        lineVersion: newVersion, detail: detail, at: at)
            ids.append(decisionID)
            if t.after == .released && t.before != .released, let sku = t.sku {
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO reservation(order_id, line_no, warehouse_id, sku, source, qty, decision_id, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(order_id, line_no, warehouse_id, source) DO UPDATE SET qty = qty + excluded.qty
                    """)
                for a in t.allocationAfter where a.qty > 0 {
                    try insert.execute(arguments: [t.key.orderID, t.key.lineNo, a.warehouseID, sku, a.source.description, a.qty, decisionID, at])
                }
                try DecisionFeed.released(db, t.key, sku: sku, allocations: t.allocationAfter, at: at)
            }
        }
        try DecisionFeed.returning(db, o.unreserve, at: at)
        for key in o.unreserve {
            try db.execute(sql: "DELETE FROM reservation WHERE order_id = ? AND line_no = ?", arguments: [key.orderID, key.lineNo])
        }
        let orderID = addressed.key.orderID
        switch o.orderEffect {
        case .hold?:
            try db.execute(sql: "UPDATE sales_order SET status = 'held', hold_reason = ? WHERE order_id = ?", arguments: [o.reasonCode ?? o.note, orderID])
        case .releaseHold(let credit)?:
            try db.execute(sql: "UPDATE sales_order SET status = 'open', hold_reason = NULL WHERE order_id = ? AND status = 'held'", arguments: [orderID])
            if credit, let customer = addressed.order?.customerID {
                try db.execute(sql: "UPDATE customer SET credit_status = 'ok' WHERE customer_id = ?", arguments: [customer])
            }
        case .cancel?:
            try db.execute(sql: "UPDATE sales_order SET status = 'cancelled' WHERE order_id = ?", arguments: [orderID])
        case nil: break
        }
        if let effect = o.orderEffect { try DecisionFeed.order(db, effect, orderID, customer: addressed.order?.customerID, at: at) }
        for e in o.events { try Outbox.append(db, e, at: at, decisionID: ids.first) }
        return ids
    }

    /// Records a note against the line, in the decision log and the audit, leaving its state, allocation and version.
    static func note(_ db: Database, _ o: DecisionEffects, on line: LineSituation, planID: String?, at: String) throws -> Int64 {
        let allocation = SituationLoading.encodeAllocations(line.allocation)
        return try record(db, o, key: line.key, before: line.state, after: line.state, allocationBefore: allocation, allocationAfter: allocation,
                          planID: planID, recVersion: line.recommendation?.version ?? line.decidedRecVersion, lineVersion: line.version,
                          detail: nil, at: at)
    }

    /// Writes one line's decision row and its audit entry; returns the decision's id.
    static func record(_ db: Database, _ o: DecisionEffects, key: LineKey, before: LineState, after: LineState,
                       allocationBefore: String, allocationAfter: String, planID: String?, recVersion: Int?, lineVersion: Int,
                       detail: String?, at: String) throws -> Int64 {
        let reasons = o.escalationReasons.isEmpty ? nil : o.escalationReasons.joined(separator: "\n")
        try db.cachedStatement(sql: """
            INSERT INTO decision(at, user, role, action, order_id, line_no, reason_code, note, plan_id, rec_version,
              state_before, state_after, before_json, after_json, escalation_reasons, line_version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [at, o.actor.name, o.actor.roleName, o.action.rawValue, key.orderID, key.lineNo, o.reasonCode, o.note,
                             planID, recVersion, before.rawValue, after.rawValue, allocationBefore, allocationAfter, reasons, lineVersion])
        let id = db.lastInsertedRowID
        try AuditLog.append(db, AuditEntry(seq: 0, at: at, user: o.actor.name, role: o.actor.roleName, action: o.action.rawValue,
                                           orderID: key.orderID, lineNo: key.lineNo, reasonCode: o.reasonCode, note: o.note,
                                           planID: planID, recVersion: recVersion, stateBefore: before.rawValue, stateAfter: after.rawValue,
                                           before: allocationBefore, after: allocationAfter, detail: detail, prevHash: "", hash: ""))
        return id
    }

    static func detailText(_ o: DecisionEffects) -> String? {
        var parts: [String] = []
        if !o.escalationReasons.isEmpty { parts.append("escalated: " + o.escalationReasons.joined(separator: "; ")) }
        switch o.orderEffect {
        case .hold?: parts.append("order put on hold")
        case .releaseHold(let credit)?: parts.append(credit ? "credit hold released" : "order hold released")
        case .cancel?: parts.append("order cancelled")
        case nil: break
        }
        if !o.events.isEmpty { parts.append("outbox: " + o.events.map(\.type).joined(separator: ", ")) }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
