import Foundation
import GRDB
import AllotCore

extension InsightReads {
    /// The inputs of `allot insight`: supply positions, order history, eta histories, past substitutions,
    /// decisions and overrides, and the current plan's lines to score.
    public func insightInputs(asOf: Day, policy: Policy = Policy()) throws -> InsightInputs {
        try mirror.db.read { db in
            let ctx = try Context(db)
            let history = try historyLines(db, ctx)
            let start = history.map { $0.decided.receivedAt.day }.min() ?? asOf
            var inputs = InsightInputs(asOf: asOf, historyStart: min(start, asOf))
            let plan = try CurrentPlanLines.read(db)
            let settled = try LiveDecisions.settledLines(db)

            // Stockout: ATP per sku × warehouse, inbound receipts, the plan's unreleased on-hand allocations.
            var released: [String: Int] = [:]
            if try db.tableExists("reservation") {
                for r in try Row.fetchAll(db, sql: "SELECT warehouse_id, sku, sum(qty) FROM reservation WHERE source = 'on_hand' GROUP BY warehouse_id, sku") {
                    released["\(r[1] as String)|\(r[0] as String)"] = r[2]
                }
            }
            var inbound: [String: [(eta: Day, qty: Int)]] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT warehouse_id, sku, eta, qty FROM receipt") {
                guard let eta = Day(r[2] as String) else { continue }
                inbound["\(r[1] as String)|\(r[0] as String)", default: []].append((eta, r[3]))
            }
            var openDemand: [String: Int] = [:]
            for l in plan where !settled.contains(l.key) {
                for a in l.allocations where a.source == .onHand { openDemand["\(l.sku)|\(a.warehouseID)", default: 0] += a.qty }
            }
            inputs.positions = try Row.fetchAll(db, sql: "SELECT warehouse_id, sku, on_hand, reserved, safety_stock FROM inventory ORDER BY sku, warehouse_id").map {
                let wh: String = $0[0], sku: String = $0[1]
                let k = "\(sku)|\(wh)"
                let atp = max(0, ($0[2] as Int) - ($0[3] as Int) - ($0[4] as Int) - (released[k] ?? 0))
                return StockPosition(sku: sku, warehouseID: wh, atp: atp, inbound: inbound[k] ?? [], openDemand: openDemand[k] ?? 0)
            }
            inputs.demand = history.compactMap { h in
                guard let wh = h.decided.dimensions.warehouse.isEmpty ? h.recommendedWarehouse : h.decided.dimensions.warehouse else { return nil }
                return DemandObservation(sku: h.decided.sku, warehouseID: wh, day: h.decided.receivedAt.day, qty: h.decided.requested)
            }
            inputs.transfers = try Row.fetchAll(db, sql: "SELECT from_warehouse, to_warehouse, lead_days, cost_per_unit FROM transfer").map {
                Transfer(from: $0[0], to: $0[1], leadDays: $0[2], costPerUnit: $0[3])
            }

            // Promises: eta histories, and plan lines that wait on a receipt.
            var etas: [String: ReceiptEtaHistory] = [:]
            var order: [String] = []
            for r in try Row.fetchAll(db, sql: "SELECT receipt_id, warehouse_id, sku, supplier, eta FROM receipt_eta_history ORDER BY receipt_id, id") {
                let id: String = r[0]
                guard let eta = Day(r[4] as String) else { continue }
                if etas[id] == nil {
                    order.append(id)
                    etas[id] = ReceiptEtaHistory(receiptID: id, supplier: r[3], sku: r[2], family: ctx.families[r[2] as String], etas: [])
                }
                etas[id]!.etas.append(eta)
                if etas[id]!.supplier == nil, let s: String = r[3] { etas[id]!.supplier = s }
            }
            inputs.receipts = order.map { etas[$0]! }
            for l in plan where !settled.contains(l.key) {
                for a in l.allocations {
                    if case .receipt(let id) = a.source {
                        inputs.receiptLines.append(ReceiptDependentLine(key: l.key, receiptID: id, arrivalDate: a.arrivalDate, requestedDate: l.requestedDate))
                    }
                }
            }

            // Substitutes: past offers, and the plan's substitute allocations plus short lines that allow one.
            inputs.substitutionHistory = history.compactMap { h in
                guard let sub = h.substituteSKU, let ok = h.substituteAccepted else { return nil }
                return SubstitutionOutcome(customerID: h.decided.dimensions.customer, sku: h.decided.sku, substituteSKU: sub,
                                           family: ctx.families[h.decided.sku], tier: ctx.tier[h.decided.dimensions.customer],
                                           accepted: ok, at: h.decided.decidedAt)
            }
            var substitutes: [String: [String]] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT sku, substitute_sku FROM substitute ORDER BY sku, rank") { substitutes[r[0], default: []].append(r[1]) }
            for l in plan where !settled.contains(l.key) {
                for a in l.allocations { if case .substitute(let s) = a.source {
                    inputs.substituteCandidates.append(SubstituteCandidate(key: l.key, customerID: l.customerID, sku: l.sku, substituteSKU: s,
                                                                           family: ctx.families[l.sku], tier: ctx.tier[l.customerID], planned: true))
                } }
                if l.short > 0 && l.allowSubstitute {
                    for s in substitutes[l.sku] ?? [] {
                        inputs.substituteCandidates.append(SubstituteCandidate(key: l.key, customerID: l.customerID, sku: l.sku, substituteSKU: s,
                                                                               family: ctx.families[l.sku], tier: ctx.tier[l.customerID], planned: false))
                    }
                }
            }

            // Unusual decisions and override likelihood: past recommendations and overrides, the plan's lines.
            for h in history {
                let fam = ctx.family(h.decided.sku)
                let region = ctx.region[h.decided.dimensions.customer] ?? ""
                if let q = h.recommendedQty, q > 0, let c = h.recommendedCost {
                    inputs.decisionHistory.append(DecisionShape(key: h.decided.key, kind: .recommendation, sku: h.decided.sku, family: fam, region: region,
                                                                qty: Double(q), costPerUnit: c / Double(q),
                                                                sourceDistance: Double(h.recommendedTransitDays ?? 0)))
                }
                if h.action == "override", h.decided.allocated > 0, let c = h.cost {
                    inputs.decisionHistory.append(DecisionShape(key: LineKey(orderID: h.decided.key.orderID + "#override", lineNo: h.decided.key.lineNo),
                                                                kind: .override, sku: h.decided.sku, family: fam, region: region,
                                                                qty: Double(h.decided.allocated),
                                                                costPerUnit: c / Double(h.decided.allocated), sourceDistance: Double(h.transitDays ?? 0)))
                }
                if h.decided.actor.isPerson {
                    inputs.overrideHistory.append(OverrideObservation(
                        features: OverrideFeatures.of(warehouse: h.recommendedWarehouse, family: fam, tier: h.decided.dimensions.tier,
                                                      exception: h.exceptions.first, customer: h.decided.dimensions.customer),
                        overridden: h.action == "override", at: h.decided.decidedAt))
                }
            }
            for l in plan where !settled.contains(l.key) && l.allocated > 0 {
                let fam = ctx.family(l.sku)
                let distance = l.allocations.map { Double($0.arrivalDate - $0.shipDate) }.max() ?? 0
                // Freight only: the plan's cost also charges lateness, which past lines' costs do not include.
                let lateness = l.allocations.reduce(0.0) { $0 + policy.cost.latenessPerUnitDay * Double($1.qty) * Double(max(0, $1.arrivalDate - l.requestedDate)) }
                inputs.decisionCandidates.append(DecisionShape(key: l.key, kind: .recommendation, sku: l.sku, family: fam,
                                                               region: l.shipToRegion ?? ctx.region[l.customerID] ?? "", qty: Double(l.allocated),
                                                               costPerUnit: max(0, l.cost - lateness) / Double(l.allocated), sourceDistance: distance))
                if l.status == "review" {
                    inputs.overrideCandidates.append(RecommendationFeatures(key: l.key, features: OverrideFeatures.of(
                        warehouse: l.allocations.max { $0.qty < $1.qty }?.warehouseID, family: fam, tier: ctx.tier[l.customerID] ?? "",
                        exception: l.exceptions.first, customer: l.customerID)))
                }
            }
            return inputs
        }
    }
}

/// The features the override model learns from, named the same for history and for new lines.
enum OverrideFeatures {
    static func of(warehouse: String?, family: String, tier: String, exception: ExceptionKind?, customer: String) -> [String: String] {
        var f = ["family": family, "tier": tier, "exception": exception?.rawValue ?? "none", "customer": customer]
        if let warehouse { f["warehouse"] = warehouse }
        return f
    }
}

/// The current plan's lines, with what the insight reads need of their orders.
struct CurrentPlanLines {
    var key: LineKey
    var sku: String
    var customerID: String
    var status: String
    var exceptions: [ExceptionKind]
    var allocations: [Allocation]
    var allocated: Int
    var short: Int
    var cost: Double
    var requestedDate: Day
    var allowSubstitute: Bool
    var shipToRegion: String?

    static func read(_ db: Database) throws -> [CurrentPlanLines] {
        guard try db.tableExists("recommendation") else { return [] }
        return try Row.fetchAll(db, sql: """
            SELECT r.order_id, r.line_no, r.sku, o.customer_id, r.status, r.exceptions, r.allocations_json, r.allocated, r.short, r.cost,
                   r.requested_date, l.allow_substitute, o.ship_to_region
            FROM recommendation r JOIN plan p ON p.plan_id = r.plan_id AND p.is_current = 1
            JOIN sales_order o ON o.order_id = r.order_id
            LEFT JOIN order_line l ON l.order_id = r.order_id AND l.line_no = r.line_no
            ORDER BY r.order_id, r.line_no
            """).map { r in
            CurrentPlanLines(key: LineKey(orderID: r[0], lineNo: r[1]), sku: r[2], customerID: r[3], status: r[4],
                             exceptions: Context.exceptionKinds(r[5]), allocations: Context.allocations(r[6]), allocated: r[7], short: r[8],
                             cost: r[9], requestedDate: Day(r[10] as String) ?? Day(ordinal: 0), allowSubstitute: (r[11] as Int?) == 1, shipToRegion: r[12])
        }
    }
}
