import Foundation
import GRDB
import AllotCore

/// Keeps the current plan up to date with the mirror by re-planning only what the change feed says moved.
///
/// It reads `change_log` from a stored cursor (`replan_cursor`), re-plans the groups of the skus touched
/// (the engine adds substitutes and family quotas; orders are reached through their lines' skus), rewrites only
/// the recommendations that changed in the current plan, and advances the cursor in the same transaction. A
/// snapshot load or a customer, warehouse or lane change re-plans everything. Between calls it keeps the plan and
/// the planning index in memory and patches the stock, receipt and order rows the feed names into the index, so
/// that an event reaches its recommendation without reading the whole mirror again; the engine changes the plan in
/// place and says which lines changed, and only those rows are written. The workbench sees them at its next poll
/// of the mirror's data version (one commit per catch-up).
public final class IncrementalReplanner: @unchecked Sendable {
    public let mirror: Mirror
    /// The cursor's name in `replan_cursor` (one per consumer of the feed).
    public let cursorName: String

    private var index: PlanningIndex?
    private var plan: Plan?
    private var planID: String?
    private var policy: Policy?
    private var policyText: String?
    /// What the stored rows need beside a recommendation (prices, dates, tiers), kept from the last rebuild so
    /// that a stock event is stored without walking the whole snapshot.
    private var lookups: StoredLineLookups?
    /// The skus and orders of an abandoned catch-up (its changes are in the index, not yet in the plan): the next
    /// catch-up re-plans them with its own.
    private var carried: (skus: Set<SKU>, orders: Set<OrderID>) = ([], [])

    /// What one catch-up did.
    public struct Outcome: Sendable, CustomStringConvertible {
        /// Change-feed entries read.
        public var changes: Int
        /// True when everything was re-planned (a snapshot, or a change that can move any line).
        public var full: Bool
        /// Skus whose groups were re-planned.
        public var skus: Int
        /// True when the engine planned every line although the change was not `full`: the plan was read back from
        /// the mirror (at start, or saved by `allot plan`), without the engine's record of how it solved it.
        public var plannedWhole = false
        /// Recommendations rewritten because they changed (added, moved or removed).
        public var linesChanged: Int
        public var planID: String
        public var seconds: Double
        /// Of `seconds`: reading the feed and the touched rows (or the whole mirror), planning, and storing.
        public var readSeconds = 0.0, planSeconds = 0.0, storeSeconds = 0.0
        /// Stopped before storing anything, as `abandonIf` asked: the next catch-up takes these changes with its own.
        public var abandoned = false
        public var description: String {
            let ms = { (x: Double) in String(format: "%.1f", x * 1000) }
            if abandoned {
                return "abandoned after \(ms(seconds)) ms (\(changes) change(s), \(skus) sku(s)): newer changes came, the next catch-up takes them all"
            }
            let what = full ? "full re-plan" : "re-planned \(skus) sku(s)" + (plannedWhole ? " (planned in full: the plan was read back from the mirror)" : "")
            return "\(what): \(linesChanged) line(s) changed (\(changes) change(s), "
                + "\(ms(seconds)) ms: read \(ms(readSeconds)), plan \(ms(planSeconds)), store \(ms(storeSeconds)))"
        }
    }

    /// The cursor `allot watch` keeps (the workbench counts the changes behind the plan from it).
    public static let defaultCursor = "replan"

    public init(mirror: Mirror, cursorName: String = IncrementalReplanner.defaultCursor) {
        self.mirror = mirror; self.cursorName = cursorName
    }

    /// The change-feed id up to which the current plan is known to be up to date.
    public func cursor() throws -> Int64? {
        try mirror.db.read { db in
            try Int64.fetchOne(db, sql: "SELECT change_id FROM replan_cursor WHERE name = ?", arguments: [cursorName])
        }
    }

    /// Re-plans what changed since the cursor and stores it; nil when nothing changed or there is no plan yet
    /// (a later `allot plan` reads the whole mirror anyway, so the cursor just moves on). While `giveWay` says so,
    /// changed skus are solved on the calling thread alone (see `ReplanWorker`). When `abandon` (asked before each
    /// group, from any thread) says so, an incremental re-plan stops before storing anything and says it was abandoned.
    @discardableResult
    public func catchUp(givingWayTo giveWay: (() -> Bool)? = nil, abandonIf abandon: (@Sendable () -> Bool)? = nil) throws -> Outcome? {
        let started = Date()
        let store = PlanStore(mirror: mirror)
        guard let currentID = try store.currentPlanID() else {
            let last = try mirror.lastChangeID()
            if last > 0 { try moveCursor(to: last) }
            return nil
        }
        let storedCursor = try startingCursor(for: currentID)
        let changes = try mirror.feedSpan(after: storedCursor)
        if changes.count == 0 && currentID == planID { return nil }
        let lastID = changes.lastID ?? storedCursor

        // A plan saved by someone else (`allot plan`) or never seen: start from it, freshly indexed.
        let reread = currentID != planID || index == nil || plan == nil
        let touched = try TouchedRows(changes.entries, mirror: mirror)
        let policy = try storedPolicy()
        let full = touched.everything || (self.policy != nil && policy != self.policy)
        // Take the plan and the index out of the replanner while they change, so that they are changed in place (no
        // copy of a million lines) and, should anything fail, the next catch-up reads them afresh.
        var plan: Plan
        if reread {
            guard let stored = try store.currentPlan() else { return nil }
            plan = stored
        } else {
            plan = self.plan!
        }
        var index = reread ? nil : self.index
        var lookups = reread ? nil : self.lookups
        self.plan = nil; self.index = nil; self.lookups = nil
        var skus = touched.skus
        if index == nil || full || touched.unknownKinds {
            index = PlanningIndex(try mirror.loadSnapshot())
            lookups = nil
        } else {
            // Lines of a group that a changed line splits or joins are solved again with the rest of their old group.
            for sku in touched.skus { skus.formUnion(index!.group(of: sku)) }
            try touched.patch(&index!, lookups: &lookups, mirror: mirror)
        }
        skus.formUnion(carried.skus)
        let orders = touched.ordersToReplan.union(carried.orders)
        let asOf = plan.asOf
        let planStarted = Date()
        var result = PlanChanges()
        if full {
            result.previous = plan
            plan = Engine.plan(index: index!, policy: policy, asOf: asOf)
        } else {
            result = Engine.replan(skus: skus, orders: orders, plan: &plan, index: index!, policy: policy, asOf: asOf,
                                   giveWay: giveWay, abandon: abandon)
        }
        if result.abandoned {
            // The plan is as it was; the index already holds the changes, which the next catch-up reads again.
            self.index = index; self.plan = plan; self.planID = currentID; self.policy = policy; self.lookups = lookups
            carried = (skus, orders)
            var outcome = Outcome(changes: changes.count, full: false, skus: skus.count, linesChanged: 0, planID: currentID,
                                  seconds: Date().timeIntervalSince(started))
            outcome.abandoned = true
            return outcome
        }
        let rows = lookups ?? StoredLineLookups(index!.snapshot)
        let storeStarted = Date()
        let changed: Int
        if let previous = result.previous {
            changed = try store.replaceChangedLines(planID: currentID, from: previous, to: plan, lookups: rows,
                                                    policy: policy, cursorName: cursorName, cursor: lastID)
        } else {
            try store.storeLines(planID: currentID, changed: result.changed, removed: result.removed, summary: plan.summary,
                                 policyVersion: plan.policyVersion, asOf: plan.asOf, lookups: rows, policy: policy,
                                 cursorName: cursorName, cursor: lastID)
            changed = result.changed.count + result.removed.count
        }
        self.index = index; self.plan = plan; self.planID = currentID; self.policy = policy; self.lookups = rows
        carried = ([], [])
        let done = Date()
        var outcome = Outcome(changes: changes.count, full: full, skus: full ? index!.snapshot.items.count : skus.count,
                              linesChanged: changed, planID: currentID, seconds: done.timeIntervalSince(started))
        outcome.plannedWhole = result.previous != nil
        outcome.readSeconds = planStarted.timeIntervalSince(started)
        outcome.planSeconds = storeStarted.timeIntervalSince(planStarted)
        outcome.storeSeconds = done.timeIntervalSince(storeStarted)
        return outcome
    }

    /// The stored policy, parsed again only when its text changed.
    private func storedPolicy() throws -> Policy {
        let source = try mirror.storedPolicySource()
        if let policy, source?.toml == policyText { return policy }
        policyText = source?.toml
        guard let source else { return Policy() }
        return try Policy(toml: source.toml, file: source.file)
    }

    /// Forgets the in-memory index and plan (the next catch-up reads them from the mirror).
    public func reset() {
        index = nil; plan = nil; planID = nil; policy = nil; policyText = nil; lookups = nil; carried = ([], [])
    }

    /// The plan this replanner last stored (or read), as the engine produced it.
    public var latestPlan: Plan? { plan }

    private func moveCursor(to id: Int64) throws {
        try mirror.db.write { db in try PlanStore.setCursor(db, name: cursorName, to: id, planID: nil) }
    }

    /// Where to start reading the feed for plan `planID`: the cursor, when it was last moved for this plan;
    /// otherwise the change the plan was made from (recorded by `allot plan`), or, for a plan saved without
    /// one, the last change before it was created (a change in the same second is taken again: re-planning it
    /// is harmless).
    private func startingCursor(for planID: String) throws -> Int64 {
        try mirror.db.read { db in
            if let r = try Row.fetchOne(db, sql: "SELECT change_id, plan_id FROM replan_cursor WHERE name = ?", arguments: [cursorName]),
               (r[1] as String?) == planID {
                return r[0]
            }
            if let basis = try Int64.fetchOne(db, sql: "SELECT change_id FROM plan_basis WHERE plan_id = ?", arguments: [planID]) {
                return basis
            }
            return try Int64.fetchOne(db, sql: """
                SELECT coalesce(max(id), 0) FROM change_log WHERE at < (SELECT created_at FROM plan WHERE plan_id = ?)
                """, arguments: [planID]) ?? 0
        }
    }
}

extension PlanStore {
    /// Rewrites, inside the current plan, only the recommendations that differ between `old` and `new` (see
    /// `storeLines`); returns how many.
    func replaceChangedLines(planID: String, from old: Plan, to new: Plan, lookups: StoredLineLookups, policy: Policy,
                             cursorName: String, cursor: Int64) throws -> Int {
        // Both plans list their lines in key order: one merge walk finds what changed without copying either.
        var changed: [LineRecommendation] = []
        var removed: [LineKey] = []
        var i = 0, j = 0
        func ordered(_ lines: [LineRecommendation]) -> [LineRecommendation] {
            zip(lines, lines.dropFirst()).allSatisfy { $0.key < $1.key } ? lines : lines.sorted { $0.key < $1.key }
        }
        let a = ordered(old.lines), b = ordered(new.lines)
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].key < b[j].key) { removed.append(a[i].key); i += 1; continue }
            if i == a.count || b[j].key < a[i].key { changed.append(b[j]); j += 1; continue }
            if a[i] != b[j] && !PlanStore.sameStored(a[i], b[j]) { changed.append(b[j]) }
            i += 1; j += 1
        }
        try storeLines(planID: planID, changed: changed, removed: removed, summary: new.summary, policyVersion: new.policyVersion,
                       asOf: new.asOf, lookups: lookups, policy: policy, cursorName: cursorName, cursor: cursor)
        return changed.count + removed.count
    }

    /// Writes changed recommendations into the current plan (a changed line gets version + 1 and keeps its first
    /// sighting), deletes removed ones, updates the plan's summary, and moves the change-feed cursor — all in
    /// one transaction, so that after a crash the cursor never runs ahead of the plan.
    func storeLines(planID: String, changed: [LineRecommendation], removed: [LineKey], summary planSummary: PlanSummary,
                    policyVersion: String, asOf: Day, lookups: StoredLineLookups, policy: Policy, cursorName: String, cursor: Int64) throws {
        let summary = String(decoding: try JSONEncoder.sorted.encode(planSummary), as: UTF8.self)
        let now = Timestamp(seconds: Date().timeIntervalSince1970).description
        // A flood's catch-up rewrites tens of thousands of rows: with the usual page cache, SQLite spilled dirty pages to
        // the WAL mid-transaction and read them back (a quarter of the store); they stay in memory until the commit.
        try mirror.db.write { db in try Mirror.withCache(atLeast: 65_536, db) {
            for key in removed {
                try db.execute(sql: "DELETE FROM recommendation WHERE plan_id = ? AND order_id = ? AND line_no = ?",
                               arguments: [planID, key.orderID, key.lineNo])
            }
            // A row that exists gets an UPDATE of the columns whose values differ, so that the indexes over columns that
            // kept their values (most of the eight) are not rewritten: a re-plan mostly changes where units come from.
            // A row that does not exist yet is inserted.
            let columns = ["sku", "requested", "allocated", "short", "priority_class", "status", "exceptions", "queue", "cost",
                           "value", "promise_date", "requested_date", "allocations_json", "rationale", "tier"]
            let versioned: Set<String> = ["status", "exceptions", "allocations_json"]
            // SQLite compares the stored row with the new values and answers one bit per differing column, so the
            // stored text (rationale, allocations) is never copied out (that fetch was two fifths of a probe's store).
            let differs = columns.indices.map { "((\(columns[$0]) IS NOT ?\($0 + 1)) << \($0))" }.joined(separator: " | ")
            // Bound straight to SQLite (a catch-up after a flood of events rewrites tens of thousands of rows, and
            // boxing each row's values into GRDB's arguments cost more than SQLite's own work); the UPDATE of each set
            // of differing columns is prepared once, keyed by its bits.
            let fast = FastStatements(db)
            let current = try fast.statement(-1) {
                """
                SELECT \(differs) FROM recommendation
                WHERE plan_id = ?\(columns.count + 1) AND order_id = ?\(columns.count + 2) AND line_no = ?\(columns.count + 3)
                """
            }
            let insert = try fast.statement(-2) {
                """
                INSERT INTO recommendation(\(columns.joined(separator: ", ")), plan_id, order_id, line_no, version, first_seen_at)
                VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")), ?, ?, ?, 1, ?)
                """
            }
            for r in changed {
                let price = lookups.linePrice[r.key] ?? lookups.itemPrice[r.sku] ?? 0
                let values: [DatabaseValue] = [
                    r.sku.databaseValue, r.requested.databaseValue, r.allocated.databaseValue, r.short.databaseValue,
                    r.priorityClass.databaseValue, r.status.rawValue.databaseValue,
                    r.exceptions.map { $0.rawValue }.joined(separator: ",").databaseValue,
                    Engine.queue(for: r, policy: policy)?.rawValue.databaseValue ?? .null, r.cost.databaseValue,
                    (Double(r.allocated) * price).databaseValue, r.promiseDate?.description.databaseValue ?? .null,
                    (lookups.requested[r.orderID] ?? asOf).description.databaseValue,
                    PlanJSON.allocations(r.allocations).databaseValue, r.rationale.databaseValue,
                    (lookups.tier[r.orderID] ?? "").databaseValue,
                ]
                let bindKey = { (s: FastStatement) in s.bind(planID); s.bind(r.orderID); s.bind(r.lineNo) }
                for v in values { current.bind(v) }
                bindKey(current)
                guard let mask = try current.first({ $0.int64(0) }) else {
                    for v in values { insert.bind(v) }
                    bindKey(insert)
                    insert.bind(now)
                    try insert.execute()
                    continue
                }
                guard mask != 0 else { continue }
                let differing = columns.indices.filter { mask & (1 << $0) != 0 }
                let update = try fast.statement(Int(mask)) {
                    let bump = differing.contains { versioned.contains(columns[$0]) } ? ", version = version + 1" : ""
                    return """
                        UPDATE recommendation SET \(differing.map { "\(columns[$0]) = ?" }.joined(separator: ", "))\(bump)
                        WHERE plan_id = ? AND order_id = ? AND line_no = ?
                        """
                }
                for c in differing { update.bind(values[c]) }
                bindKey(update)
                try update.execute()
            }
            try db.execute(sql: "UPDATE plan SET summary_json = ?, policy_version = ? WHERE plan_id = ?",
                           arguments: [summary, policyVersion, planID])
            try PlanStore.setCursor(db, name: cursorName, to: cursor, planID: planID)
        } }
    }

    /// True when two recommendations would be stored alike. A plan read back from the mirror has its costs
    /// rounded as the contract writes them (4 decimals), so comparing it with a fresh plan field by field found
    /// lines "changed" that were not, and rewrote them.
    static func sameStored(_ a: LineRecommendation, _ b: LineRecommendation) -> Bool {
        a.key == b.key && a.sku == b.sku && a.requested == b.requested && a.priorityClass == b.priorityClass && a.short == b.short
            && a.status == b.status && a.exceptions == b.exceptions && a.rationale == b.rationale
            && a.allocations.count == b.allocations.count && PlanJSON.allocations(a.allocations) == PlanJSON.allocations(b.allocations)
    }

    static func setCursor(_ db: Database, name: String, to id: Int64, planID: String?) throws {
        try db.execute(sql: """
            INSERT INTO replan_cursor(name, change_id, updated_at, plan_id) VALUES (?, ?, ?, ?)
            ON CONFLICT(name) DO UPDATE SET change_id = excluded.change_id, updated_at = excluded.updated_at, plan_id = excluded.plan_id
            """, arguments: [name, id, Timestamp(seconds: Date().timeIntervalSince1970).description, planID])
    }

    /// Records that the plan `planID` reflects every change-feed entry up to `changeID` (its snapshot was read
    /// after that entry), so that the incremental re-plan starts from there and not from the plan's creation time.
    static func recordBasis(_ db: Database, planID: String, changeID: Int64) throws {
        try db.execute(sql: "DELETE FROM plan_basis WHERE plan_id NOT IN (SELECT plan_id FROM plan)")
        try db.execute(sql: """
            INSERT INTO plan_basis(plan_id, change_id) VALUES (?, ?) ON CONFLICT(plan_id) DO UPDATE SET change_id = excluded.change_id
            """, arguments: [planID, changeID])
    }
}

/// What a stored recommendation row needs beside the recommendation: unit prices, requested dates and tiers.
struct StoredLineLookups {
    var linePrice: [LineKey: Double] = [:]
    var itemPrice: [SKU: Double] = [:]
    var requested: [OrderID: Day] = [:]
    var tier: [OrderID: String] = [:]

    init(_ snapshot: Snapshot) {
        for i in snapshot.items { if let p = i.unitPrice { itemPrice[i.sku] = p } }
        for l in snapshot.lines { if let p = l.unitPrice { linePrice[l.key] = p } }
        for o in snapshot.orders { requested[o.id] = o.requestedDate }
        tier = PlanStore.tierByOrder(snapshot)
    }
}
