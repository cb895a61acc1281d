import Foundation

/// Synthetic history for a scenario: past lines with recommendations, decisions and outcomes, shipments with
/// delivery dates, and receipts whose etas slipped, so that every metric and every signal has something to show.
///
/// Seeded and deterministic. The patterns it plants are the ones the models should find, and the tests and the
/// sample workbench rely on them:
/// - demand of the busiest family ramps up over the last weeks (stockout risk, rebalancing);
/// - planners override most recommendations from the warehouse with the stalest counts (override likelihood);
/// - one supplier slips most etas by days, the others rarely (at-risk promises);
/// - higher tiers accept substitutes far more often than lower ones (substitution acceptance).

/// One row of `history/lines.csv`.
public struct PastLine: Hashable, Sendable {
    public var orderID: String, lineNo: Int, customerID: String, sku: String, qty: Int
    public var receivedAt: Timestamp, requestedDate: Day
    public var exceptions: [ExceptionKind], queue: String
    public var recommendedWarehouse: String?, recommendedQty: Int?, recommendedCost: Double?, recommendedTransitDays: Int?
    public var decidedAt: Timestamp, actor: String, role: String?, action: String, reason: String?
    public var releasedAt: Timestamp?, warehouseID: String?, allocated: Int, allocations: Int, expedited: Bool
    public var cost: Double?, transitDays: Int?, promisedDate: Day?
    public var substituteSKU: String?, substituteAccepted: Bool?
}

/// One row of `history/shipments.csv`.
public struct PastShipment: Hashable, Sendable {
    public var orderID: String, lineNo: Int, warehouseID: String, qty: Int, shippedAt: Timestamp, deliveredAt: Timestamp?
}

/// One row of `history/receipt_etas.csv`.
public struct PastEta: Hashable, Sendable {
    public var receiptID: String, warehouseID: String, sku: String, supplier: String, eta: Day, recordedAt: Timestamp
}

public struct GeneratedHistory: Sendable {
    public var lines: [PastLine] = []
    public var shipments: [PastShipment] = []
    public var etas: [PastEta] = []

    /// The three history files as CSV text, keyed by file name.
    public var files: [String: String] {
        func c(_ s: String?) -> String {
            guard let s else { return "" }
            return s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        func n(_ v: Double?) -> String { v.map { Fmt.fixed($0, 2) } ?? "" }
        func i(_ v: Int?) -> String { v.map(String.init) ?? "" }
        func b(_ v: Bool?) -> String { v.map { $0 ? "true" : "false" } ?? "" }
        var l = ["order_id,line_no,customer_id,sku,qty,received_at,requested_date,exceptions,queue,recommended_warehouse,recommended_qty,recommended_cost,recommended_transit_days,decided_at,actor,role,action,reason,released_at,warehouse_id,allocated,allocations,expedited,cost,transit_days,promised_date,substitute_sku,substitute_accepted"]
        for x in lines {
            l.append([c(x.orderID), String(x.lineNo), c(x.customerID), c(x.sku), String(x.qty), x.receivedAt.description, x.requestedDate.description,
                      x.exceptions.map(\.rawValue).joined(separator: ";"), x.queue, c(x.recommendedWarehouse), i(x.recommendedQty), n(x.recommendedCost),
                      i(x.recommendedTransitDays), x.decidedAt.description, c(x.actor), c(x.role), x.action, c(x.reason),
                      x.releasedAt?.description ?? "", c(x.warehouseID), String(x.allocated), String(x.allocations), b(x.expedited), n(x.cost),
                      i(x.transitDays), x.promisedDate?.description ?? "", c(x.substituteSKU), b(x.substituteAccepted)].joined(separator: ","))
        }
        var s = ["order_id,line_no,warehouse_id,qty,shipped_at,delivered_at"]
        for x in shipments {
            s.append("\(c(x.orderID)),\(x.lineNo),\(c(x.warehouseID)),\(x.qty),\(x.shippedAt),\(x.deliveredAt?.description ?? "")")
        }
        var e = ["receipt_id,warehouse_id,sku,supplier,eta,recorded_at"]
        for x in etas { e.append("\(c(x.receiptID)),\(c(x.warehouseID)),\(c(x.sku)),\(c(x.supplier)),\(x.eta),\(x.recordedAt)") }
        return ["lines.csv": l.joined(separator: "\n") + "\n", "shipments.csv": s.joined(separator: "\n") + "\n",
                "receipt_etas.csv": e.joined(separator: "\n") + "\n"]
    }
}

/// A small seeded generator (SplitMix64), so history is identical for the same seed on every machine.
struct HistoryRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x632B_E59B_D9B4_E019 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func pick<T>(_ xs: [T]) -> T { xs[Int.random(in: 0..<xs.count, using: &self)] }
    mutating func weighted<T>(_ xs: [(T, Double)]) -> T {
        let total = xs.reduce(0) { $0 + $1.1 }
        var r = Double.random(in: 0..<total, using: &self)
        for (x, w) in xs { if r < w { return x }; r -= w }
        return xs[xs.count - 1].0
    }
}

public enum HistoryGenerator {
    static let suppliers = ["Keystone Appliance Co", "Lumen Housewares", "Pacific Kitchen Supply", "Northline Imports", "Harbor Goods Ltd"]
    /// The supplier that keeps slipping.
    public static let slowSupplier = "Northline Imports"

    /// The supplier of a family (deterministic), the busiest family's going to the slow supplier.
    static func supplier(family: String, busiest: String) -> String {
        if family == busiest { return slowSupplier }
        let others = suppliers.filter { $0 != slowSupplier }
        return others[Int(family.unicodeScalars.reduce(0) { $0 &+ $1.value } % UInt32(others.count))]
    }

    /// Generates `weeks` weeks of history ending the day before `asOf`, shaped by the scenario in `snapshot`.
    public static func generate(snapshot s: Snapshot, policy: Policy, asOf: Day, weeks: Int = 8, seed: UInt64 = 7) -> GeneratedHistory {
        var rng = HistoryRandom(seed: seed)
        var out = GeneratedHistory()
        guard !s.customers.isEmpty, !s.items.isEmpty, !s.warehouses.isEmpty else { return out }
        let family = Dictionary(s.items.map { ($0.sku, $0.family ?? $0.sku) }, uniquingKeysWith: { a, _ in a })
        var demand: [SKU: Double] = [:], sizes: [SKU: [Int]] = [:]
        for l in s.lines { demand[l.sku, default: 0] += Double(l.qty); sizes[l.sku, default: []].append(l.qty) }
        var familyDemand: [String: Double] = [:]
        for (sku, q) in demand { familyDemand[family[sku] ?? sku, default: 0] += q }
        let busiest = familyDemand.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? ""
        let stalest = s.inventory.compactMap { p in p.asOf.map { (p.warehouseID, $0) } }.min { $0.1 < $1.1 }?.0
        let handling = Dictionary(s.warehouses.map { ($0.id, $0.handlingDays) }, uniquingKeysWith: { a, _ in a })
        let ground = s.lanes.filter { $0.mode == .ground }
        let expedite = s.lanes.filter { $0.mode == .expedite }
        let usersByRole = Dictionary(grouping: s.users, by: \.role).mapValues { $0.map(\.name) }
        let substitutes = Dictionary(grouping: s.substitutes, by: \.sku).mapValues { $0.sorted { $0.rank < $1.rank }.map(\.substituteSKU) }
        let skus = s.items.map(\.sku).sorted()
        let days = weeks * 7
        let start = asOf - days
        let linesPerDay = max(6, min(40, s.lines.count / 30))
        let acceptByTier: (String) -> Double = { tier in
            switch policy.tierClass(tier) { case 0: return 0.92; case 1: return 0.8; case 2: return 0.5; default: return 0.2 }
        }
        // Key accounts order more often than the long tail.
        let customerWeights = s.customers.map { c in (c, [4.0, 2.5, 1.5][min(policy.tierClass(c.tier), 2)] - (policy.tierClass(c.tier) > 2 ? 0.5 : 0)) }
        let medianHours: [Role: Double] = [.planner: 5, .customerService: 2.5, .supervisor: 2, .finance: 9, .admin: 4]
        var orderNo = 0

        for d in 0..<days {
            let day = start + d
            let ramp = Double(d) / Double(days)
            let weights = skus.map { sku -> (SKU, Double) in
                let base = (demand[sku] ?? 0) + 5
                return (sku, family[sku] == busiest ? base * (0.5 + 2.5 * ramp * ramp) : base)
            }
            let n = max(1, Int(Double(linesPerDay) * Double.random(in: 0.7...1.3, using: &rng)))
            var lineNo = 0
            var customer = s.customers[0]
            var received = Timestamp(seconds: day.unixSeconds)
            var requested = day
            for _ in 0..<n {
                // About two lines an order; the lines of one order share its customer, arrival and requested date.
                if lineNo == 0 || rng.chance(0.5) {
                    orderNo += 1; lineNo = 0
                    customer = rng.weighted(customerWeights)
                    received = Timestamp(seconds: day.unixSeconds + Double.random(in: 6...18, using: &rng) * 3600)
                    requested = day + Int.random(in: 4...12, using: &rng)
                }
                lineNo += 1
                let sku = rng.weighted(weights)
                let qty = max(1, Int(Double(sizes[sku].map { rng.pick($0) } ?? 10) * Double.random(in: 0.6...1.4, using: &rng)))
                let shipRegion = customer.region ?? s.warehouses[0].region
                let options = ground.filter { $0.toRegion == shipRegion }.sorted { ($0.costPerUnit, $0.from) < ($1.costPerUnit, $1.from) }
                guard var best = options.first else { continue }
                // Stock is not always where freight is cheapest: a quarter of the lines were sourced elsewhere.
                if options.count > 1 && rng.chance(0.25) { best = options[1] }
                let recTransit = best.transitDays  // lane transit days, as the plan's ship → arrival
                let recCost = Double(qty) * best.costPerUnit

                // Exceptions and the queue they route to.
                var exceptions: [ExceptionKind] = []
                if best.from == stalest && rng.chance(0.5) { exceptions.append(.staleData) }
                if substitutes[sku] != nil && rng.chance(0.6) { exceptions.append(.substitution) }
                if rng.chance(0.4) {
                    var kinds: [(ExceptionKind, Double)] = [(.shortage, 3), (.split, 1.5), (.late, 1.5), (.lowMargin, 1), (.highValue, 0.5)]
                    if substitutes[sku] != nil { kinds.append((.substitution, 8)) }
                    let k = rng.weighted(kinds)
                    if !exceptions.contains(k) { exceptions.append(k) }
                }
                let blocking = exceptions.filter { !policy.autoRelease.allow.contains($0) }
                let auto = blocking.isEmpty && policy.autoRelease.enabled
                let role: Role? = auto ? nil : policy.routing[blocking[0]] ?? .planner
                let queue = role?.rawValue ?? "auto"

                var line = PastLine(orderID: "H-\(100_000 + orderNo)", lineNo: lineNo, customerID: customer.id, sku: sku, qty: qty,
                                    receivedAt: received, requestedDate: requested, exceptions: exceptions, queue: queue,
                                    recommendedWarehouse: best.from, recommendedQty: qty, recommendedCost: recCost, recommendedTransitDays: recTransit,
                                    decidedAt: received, actor: "policy", role: nil, action: "auto", reason: nil, releasedAt: nil,
                                    warehouseID: best.from, allocated: qty, allocations: exceptions.contains(.split) ? 2 : 1, expedited: false,
                                    cost: recCost, transitDays: recTransit, promisedDate: nil, substituteSKU: nil, substituteAccepted: nil)
                if exceptions.contains(.shortage) { line.allocated = max(0, Int(Double(qty) * Double.random(in: 0.3...0.9, using: &rng))) }
                if let role {
                    let hours = (medianHours[role] ?? 4) * exp(Double.random(in: -1.2...1.2, using: &rng))
                    line.decidedAt = Timestamp(seconds: received.seconds + hours * 3600)
                    line.actor = usersByRole[role].map { rng.pick($0) } ?? role.rawValue
                    line.role = role.rawValue
                    let alternatives = options.filter { $0.from != best.from }
                    if best.from == stalest, let alt = alternatives.first, rng.chance(0.55) {
                        line.action = "override"; line.reason = "WAREHOUSE_ISSUE"
                        line.warehouseID = alt.from; line.transitDays = alt.transitDays
                        line.cost = Double(line.allocated) * alt.costPerUnit
                    } else if let alt = alternatives.first, rng.chance(0.06) {
                        line.action = "override"
                        line.reason = rng.pick(["CUSTOMER_PRIORITY", "CONSOLIDATE_SHIPMENT", "CHEAPER_FREIGHT"])
                        line.warehouseID = alt.from; line.transitDays = alt.transitDays
                        line.cost = Double(line.allocated) * alt.costPerUnit
                    } else if rng.chance(0.04) {
                        line.action = "reject"; line.reason = rng.pick(policy.reasonCodes(for: "reject").isEmpty ? ["OTHER"] : policy.reasonCodes(for: "reject"))
                        line.allocated = 0; line.warehouseID = nil; line.cost = nil; line.transitDays = nil
                    } else {
                        line.action = role == .supervisor || role == .finance ? "approve" : "accept"
                    }
                    if exceptions.contains(.late), line.action != "reject", let fast = expedite.first(where: { $0.toRegion == shipRegion }), rng.chance(0.5) {
                        line.expedited = true; line.warehouseID = fast.from
                        line.transitDays = fast.transitDays
                        line.cost = Double(line.allocated) * fast.costPerUnit
                    }
                    if exceptions.contains(.substitution), let sub = substitutes[sku]?.first, line.action != "reject" {
                        line.substituteSKU = sub
                        line.substituteAccepted = rng.chance(acceptByTier(customer.tier))
                    }
                } else {
                    line.decidedAt = Timestamp(seconds: received.seconds + Double.random(in: 120...3600, using: &rng))
                }
                if line.action != "reject" {
                    line.releasedAt = line.decidedAt
                    let arrival = line.releasedAt!.day + (handling[line.warehouseID ?? best.from] ?? 1) + (line.transitDays ?? recTransit)
                    line.promisedDate = max(arrival, requested)
                    // Ship the next morning; deliveries mostly on time, some late.
                    if line.allocated > 0, let wh = line.warehouseID {
                        let shipped = Timestamp(seconds: (line.releasedAt!.day + (handling[wh] ?? 1)).unixSeconds + 15 * 3600)
                        let transit = line.transitDays ?? recTransit
                        var late = 0
                        if rng.chance(wh == stalest ? 0.25 : 0.07) { late = Int.random(in: 1...3, using: &rng) }
                        let deliveredDay = shipped.day + transit + late
                        let delivered = Timestamp(seconds: deliveredDay.unixSeconds + 14 * 3600)
                        if shipped.day < asOf {
                            let parts = line.allocations > 1 ? [line.allocated / 2, line.allocated - line.allocated / 2] : [line.allocated]
                            let whs = line.allocations > 1 ? [wh] + (options.map(\.from).filter { $0 != wh }.prefix(1)) : [wh]
                            for (q, w) in zip(parts, whs) where q > 0 {
                                out.shipments.append(PastShipment(orderID: line.orderID, lineNo: line.lineNo, warehouseID: w, qty: q, shippedAt: shipped,
                                                                  deliveredAt: delivered.day < asOf ? delivered : nil))
                            }
                        }
                    }
                }
                out.lines.append(line)
            }
        }

        // Receipts: past POs per sku and warehouse every week or two, etas revised when the supplier slips.
        var poNo = 0
        for item in s.items.sorted(by: { $0.sku < $1.sku }) {
            let supplier = supplier(family: item.family ?? item.sku, busiest: busiest)
            let slipRate = supplier == slowSupplier ? 0.75 : 0.08
            for w in s.warehouses where s.inventory.contains(where: { $0.sku == item.sku && $0.warehouseID == w.id }) {
                var eta = start + Int.random(in: 0...6, using: &rng)
                while eta < asOf {
                    poNo += 1
                    let id = "PO-H\(10_000 + poNo)"
                    let placed = eta - 21
                    out.etas.append(PastEta(receiptID: id, warehouseID: w.id, sku: item.sku, supplier: supplier, eta: eta,
                                            recordedAt: Timestamp(seconds: placed.unixSeconds + 9 * 3600)))
                    if rng.chance(slipRate) {
                        let slip = supplier == slowSupplier ? Int.random(in: 2...7, using: &rng) : Int.random(in: 1...2, using: &rng)
                        out.etas.append(PastEta(receiptID: id, warehouseID: w.id, sku: item.sku, supplier: supplier, eta: eta + slip,
                                                recordedAt: Timestamp(seconds: (eta - 2).unixSeconds + 11 * 3600)))
                    }
                    eta = eta + Int.random(in: 7...14, using: &rng)
                }
            }
        }
        // Open receipts: name their supplier; the slow supplier's have already slipped once.
        for r in s.receipts.sorted(by: { $0.id < $1.id }) {
            let supplier = supplier(family: family[r.sku] ?? r.sku, busiest: busiest)
            if supplier == slowSupplier {
                out.etas.append(PastEta(receiptID: r.id, warehouseID: r.warehouseID, sku: r.sku, supplier: supplier, eta: r.eta - 3,
                                        recordedAt: Timestamp(seconds: (asOf - 20).unixSeconds + 9 * 3600)))
            }
            out.etas.append(PastEta(receiptID: r.id, warehouseID: r.warehouseID, sku: r.sku, supplier: supplier, eta: r.eta,
                                    recordedAt: Timestamp(seconds: (asOf - 2).unixSeconds + 9 * 3600)))
        }
        return out
    }
}
