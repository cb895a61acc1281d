/// One way a line could be sourced (a warehouse's stock, a receipt, a transfer or a substitute), with its
/// numbers and why the engine did or did not choose it: the options table of `allot explain` and the workbench.
public struct SourcingOption: Hashable, Sendable {
    /// The warehouse the units would ship from.
    public var warehouseID: WarehouseID
    public var source: SupplySource
    /// The sku the units are (the line's own, or a substitute).
    public var sku: SKU
    /// Units available to promise in this supply (before this plan).
    public var atp: Int
    /// Units of it this plan leaves unused.
    public var free: Int
    public var shipDate: Day?
    public var arrivalDate: Day?
    public var daysLate: Int?
    public var mode: LaneMode?
    /// Freight (+ transfer) plus lateness, per unit.
    public var unitCost: Double?
    /// What the line's open quantity would cost from here (as much as the supply holds).
    public var totalCost: Double?
    /// The units `totalCost` is for.
    var costedUnits = 0
    /// (price − unit cost − freight) / price, when the price is known.
    public var marginAfterFreight: Double?
    /// Units the plan takes from here for this line.
    public var chosenQty: Int
    /// Why the engine chose it, or why not, in a plain sentence.
    public var note: String
    public var isChosen: Bool { chosenQty > 0 }
}

/// The options table of one line, with the line's recommendation and rationale.
public struct LineExplanation: Sendable {
    public var recommendation: LineRecommendation
    public var options: [SourcingOption]
    public var requestedDate: Day
    public var customerID: CustomerID
    public var tier: String
    public var region: String?
}

extension Engine {
    /// Explains one line: re-solves its group (exactly as the plan does) and lists every supply that could serve it.
    /// `planned`, the line's recommendation in the current plan when the caller has it, spares a whole re-plan for a
    /// line that the passes after the solver may have changed (ship-complete orders, site capacity).
    public static func explain(_ key: LineKey, index: PlanningIndex, policy: Policy, asOf: Day,
                               planned: LineRecommendation? = nil) -> LineExplanation? {
        guard let li = index.snapshot.lines.firstIndex(where: { $0.key == key }) else { return nil }
        let line = index.snapshot.lines[li]
        // Service targets depend on every customer's fill, which only a whole plan gives.
        let below = serviceBelow(index: index, policy: policy, asOf: asOf)
        let solver = solveGroup(index: index, policy: policy, asOf: asOf, skus: index.group(of: line.sku), serviceBelow: below)
        let recs = recommendations(solver, index: index, policy: policy, asOf: asOf)
        guard let l = solver.p.lines.firstIndex(where: { $0.lineIndex == li }),
              var rec = recs.first(where: { $0.1.key == key })?.1 else { return nil }
        // The passes after the solver (ship complete, site capacity) weigh lines of other groups against each other:
        // only the whole plan says what they did to this line.
        let solved = rec
        if policy.cost.respectCapacity || index.order(key.orderID)?.shipComplete == true {
            if let planned, planned.key == key { rec = planned } else {
                let whole = plan(index: index, policy: policy, asOf: asOf)
                if let i = SupplyLedger.find(key, in: whole.lines) { rec = whole.lines[i] }
            }
        }
        let w = solver.p.lines[l], order = index.order(ofLine: li)
        // When a pass changed the line's sourcing, the notes weigh the options against the solver's choice by that name.
        // (Delayed only, by site capacity: the same supplies on later days.)
        let changed = !sameSourcing(rec.allocations, solved.allocations)
        let reference: String
        if !changed { reference = "the chosen source" }
        else if rec.allocations.count == solved.allocations.count, zip(rec.allocations, solved.allocations).allSatisfy({
            $0.warehouseID == $1.warehouseID && $0.source == $1.source && $0.qty == $1.qty
        }) { reference = "the chosen source on its first day" }
        else { reference = "the cheapest sourcing's choice" }
        var opts = options(solver, line: l, index: index, policy: policy, reference: reference)
        if changed { opts = repassed(opts, rec: rec, requested: w.requestedDate) }
        return LineExplanation(recommendation: rec, options: opts,
                               requestedDate: w.requestedDate, customerID: order?.customerID ?? "", tier: solver.p.tierName(of: l),
                               region: index.shipToRegion(ofLine: li))
    }

    /// Whether two lists of allocations take the same units from the same places on the same days (costs aside:
    /// a stored plan keeps them rounded).
    static func sameSourcing(_ a: [Allocation], _ b: [Allocation]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy {
            $0.warehouseID == $1.warehouseID && $0.source == $1.source && $0.qty == $1.qty && $0.shipDate == $1.shipDate && $0.mode == $1.mode
        }
    }

    /// The options table of a line that a pass after the solver re-sourced or delayed: the units it now takes from
    /// each option (with the dates, lateness and cost per unit it now has there), and why the solver's choice gave way.
    static func repassed(_ options: [SourcingOption], rec: LineRecommendation, requested: Day) -> [SourcingOption] {
        let shipComplete = rec.rationale.contains("; ship complete: ")
        let out = options.map { o -> SourcingOption in
            var o = o
            let now = rec.allocations.filter { $0.warehouseID == o.warehouseID && $0.source == o.source && (o.mode ?? $0.mode) == $0.mode }
            let qty = now.reduce(0) { $0 + $1.qty }
            if qty > 0 {
                var note = "chosen: \(qty) unit\(qty == 1 ? "" : "s")"
                if shipComplete { note += ", so that the whole ship-complete order ships from \(o.warehouseID)" }
                else if let a = now.first, a.shipDate != o.shipDate, let d = o.shipDate {
                    note += ", ships \(a.shipDate - d) day\(a.shipDate - d == 1 ? "" : "s") later (daily line capacity)"
                } else { note += " (the first choice's site was at its daily line capacity)" }
                if let a = now.first, a.shipDate != o.shipDate || a.arrivalDate != o.arrivalDate {
                    // Delayed (site capacity): the option now arrives later, and what it costs a unit is what the line
                    // pays there, lateness included.
                    o.shipDate = a.shipDate; o.arrivalDate = a.arrivalDate
                    o.daysLate = max(0, a.arrivalDate - requested)
                    let q = now.reduce(0) { $0 + $1.qty }, cost = now.reduce(0) { $0 + $1.cost }
                    o.unitCost = cost / Double(q)
                    o.totalCost = cost / Double(q) * Double(o.costedUnits)
                }
                o.note = note
            } else if o.chosenQty > 0 {
                o.note = shipComplete ? "the cheapest sourcing, but the order ships complete from one warehouse"
                    : "the cheapest sourcing, but its site was at its daily line capacity and another site costs less than waiting"
            }
            o.chosenQty = qty
            return o
        }
        return out.sorted { a, b in
            if a.isChosen != b.isChosen { return a.isChosen }
            let ua = a.unitCost ?? .infinity, ub = b.unitCost ?? .infinity
            if ua != ub { return ua < ub }
            return (a.warehouseID, a.source.description) < (b.warehouseID, b.source.description)
        }
    }

    static func options(_ s: GroupSolver, line l: Int, index ix: PlanningIndex, policy: Policy,
                        reference: String = "the chosen source") -> [SourcingOption] {
        let p = s.p
        let w = p.lines[l], sku = p.sku(of: l)
        let whs = ix.snapshot.warehouses
        var usable: [SKU: Int] = [sku: 0]
        if w.allowSubstitute { for sub in ix.substitutesBySku[sku] ?? [] { usable[sub.substituteSKU] = sub.rank } }
        let open = w.qty
        var taken = [Int](repeating: 0, count: s.B)
        for a in s.allocations[l] { taken[a.b] += a.q }
        var used = [Int](repeating: 0, count: s.B)
        for other in s.allocations.indices { for a in s.allocations[other] { used[a.b] += a.q } }
        // The bucket the line takes its cheapest units from (by the objective), what every other option is weighed against.
        let chosenBucket = s.allocations[l].min { p.objective[w.cls * s.B + $0.b] < p.objective[w.cls * s.B + $1.b] }?.b
        var out: [SourcingOption] = []
        for (b, bucket) in p.buckets.enumerated() where usable[bucket.sku] != nil {
            let cands = w.region < 0 ? [] : Routing.candidates(bucket: bucket, region: w.region, index: ix)
            let planned = w.cls >= 0 ? p.arc(w.cls, b) : Routing.choose(cands, requested: w.requestedDay, policy: policy)
            var routes: [(RouteCandidate, ArcRoute?)] = cands.map { ($0, Routing.choose([$0], requested: w.requestedDay, policy: policy)) }
            // An expedite lane that the rules would not use (ground is on time) is not an option.
            routes.removeAll { $0.0.mode == .expedite && $0.1 == nil && $0.0.groundArrival <= w.requestedDay }
            let baseSource: SupplySource
            if bucket.sku != sku { baseSource = .substitute(bucket.sku) }
            else if case .receipt(let id) = bucket.kind { baseSource = .receipt(id) } else { baseSource = .onHand }
            if routes.isEmpty {
                out.append(SourcingOption(warehouseID: whs[bucket.warehouse].id, source: baseSource, sku: bucket.sku, atp: bucket.atp,
                                          free: max(0, bucket.capacity - used[b]), chosenQty: 0,
                                          note: "no lane from \(whs[bucket.warehouse].id) to \(ix.shipToRegion(ofLine: w.lineIndex) ?? "the customer's region")"))
                continue
            }
            for (cand, arc) in routes {
                let source: SupplySource = bucket.sku == sku && cand.transferFrom >= 0 ? .transfer(from: whs[cand.transferFrom].id) : baseSource
                let isPlanned = planned.map { $0.route.shipWarehouse == cand.shipWarehouse && $0.route.transferFrom == cand.transferFrom && $0.route.mode == cand.mode } ?? false
                let late = max(0, Int(cand.arrivalDay - w.requestedDay))
                let unit = cand.unitFreight + policy.cost.latenessPerUnitDay * Double(late)
                let qty = min(open, max(0, bucket.capacity))
                var margin: Double?
                if let price = w.unitPrice, price > 0 { margin = (price - p.unitCost(of: l) - cand.unitFreight) / price }
                let chosen = isPlanned ? taken[b] : 0
                var opt = SourcingOption(warehouseID: whs[cand.shipWarehouse].id, source: source, sku: bucket.sku, atp: bucket.atp,
                                         free: max(0, bucket.capacity - used[b]), shipDate: Day(ordinal: cand.shipDay),
                                         arrivalDate: Day(ordinal: cand.arrivalDay), daysLate: late, mode: cand.mode,
                                         unitCost: unit, totalCost: unit * Double(qty), marginAfterFreight: margin,
                                         chosenQty: chosen, note: "")
                opt.costedUnits = qty
                opt.note = whyNote(opt, arc: arc, bucket: bucket, b: b, s: s, line: l, used: used, chosen: chosenBucket,
                                   reference: reference,
                                   rank: usable[bucket.sku] ?? 0, isPlanned: isPlanned, policy: policy, index: ix)
                out.append(opt)
            }
        }
        return out.sorted { a, b in
            if a.isChosen != b.isChosen { return a.isChosen }
            let ua = a.unitCost ?? .infinity, ub = b.unitCost ?? .infinity
            if ua != ub { return ua < ub }
            return (a.warehouseID, a.source.description) < (b.warehouseID, b.source.description)
        }
    }

    /// How option bucket `b`, which the line could not get, compares with the `chosen` bucket, by what the engine weighs
    /// first: the line's own sku before a substitute (and a closer substitute before another), then cost, then (with the
    /// aging bonus) older stock. "is an option" when it is none of these better; a line that got nothing compares with
    /// nothing.
    static func preferredPhrase(_ b: Int, chosen: Int?, s: GroupSolver, line l: Int) -> String {
        let c = s.p.lines[l].cls, B = s.B
        guard let chosen else { return "is an option" }
        let rank = s.p.substituteRank(c, b), chosenRank = s.p.substituteRank(c, chosen)
        if rank < chosenRank { return rank == 0 ? "has the line's own sku" : "has a closer substitute" }
        if rank > chosenRank { return "is an option" }
        let cost = s.p.arc(c, b)?.unitCost ?? .infinity, chosenCost = s.p.arc(c, chosen)?.unitCost ?? .infinity
        if cost < chosenCost - 1e-9 { return "is cheaper" }
        if cost <= chosenCost + 1e-9 && s.p.objective[c * B + b] < s.p.objective[c * B + chosen] - 1e-9 { return "holds older stock" }
        return "is an option"
    }

    static func whyNote(_ o: SourcingOption, arc: ArcRoute?, bucket: SupplyBucket, b: Int, s: GroupSolver, line l: Int, used: [Int],
                        chosen: Int?, reference: String, rank: Int, isPlanned: Bool, policy: Policy, index: PlanningIndex) -> String {
        let w = s.p.lines[l]
        var receipt = ""
        if case .receipt(let id) = bucket.kind { receipt = "receipt \(id) arrives at \(o.warehouseID) on \(Day(ordinal: bucket.availableDay).short)" }
        if o.chosenQty > 0 {
            var t = "chosen: \(o.chosenQty) unit\(o.chosenQty == 1 ? "" : "s")"
            if !receipt.isEmpty { t += " (\(receipt))" }
            if o.mode == .expedite { t += ", expedited" }
            if let d = o.daysLate, d > 0 { t += ", \(d) day\(d == 1 ? "" : "s") late" }
            return t
        }
        if w.isHeld { return "not allocated while the order is held" }
        guard arc != nil else {
            if o.mode == .expedite, let a = o.arrivalDate, a <= w.requestedDate || (o.daysLate ?? 0) <= policy.cost.maxLateDays {
                return "expedite lane not needed: ground arrives on time"
            }
            return "arrives \(o.arrivalDate?.short ?? "?"), \(o.daysLate ?? 0) days late, beyond max_late_days \(policy.cost.maxLateDays)"
        }
        if !isPlanned { return "a cheaper route from the same stock is preferred" + (receipt.isEmpty ? "" : " (\(receipt))") }
        if bucket.atp <= 0 {
            return bucket.kind == .onHand
                ? "nothing available to promise (on hand \(bucket.onHand), reserved \(bucket.reserved), safety \(bucket.safetyStock), released \(bucket.released))"
                : "\(receipt), but its units were already released"
        }
        let free = bucket.capacity - used[b]
        if free <= 0 {
            // Name the highest-priority other line that holds units of it.
            var taker = -1
            for other in s.allocations.indices where other != l && s.allocations[other].contains(where: { $0.b == b }) {
                if taker < 0 || s.rank[other] < s.rank[taker] { taker = other }
            }
            let lead = "\(o.warehouseID) \(preferredPhrase(b, chosen: chosen, s: s, line: l)) but its \(bucket.capacity) units went to"
            if taker >= 0 {
                let who = Rationale.takerPhrase(taker, s: s, index: index)
                let others = s.allocations.indices.filter { $0 != l && s.allocations[$0].contains(where: { $0.b == b }) }.count
                return "\(lead) \(who)" + (others > 1 ? " and \(others - 1) other line\(others == 2 ? "" : "s")" : "")
                    + (receipt.isEmpty ? "" : " (\(receipt))")
            }
            if let k = s.p.protectedClass.indices.first(where: { s.flow[s.p.protectedClass[$0] * s.B + b] > 0 }) {
                let units = s.flow[s.p.protectedClass[k] * s.B + b]
                return "\(units) of its units are protected for customer \(s.p.commitments[k].customerID)'s commitment"
            }
            return "\(lead) other lines"
        }
        // A line its tier's quota stopped short could take nothing more from any supply, its own sku's or a substitute's.
        if w.quotaLimited && w.fill < w.qty {
            return "\(free) units free, but tier \(s.p.tierName(of: l))'s quota is used up" + (receipt.isEmpty ? "" : " (\(receipt))")
        }
        if rank > 0 { return "substitute (rank \(rank)): used only when the line's own sku cannot serve it" }
        if w.fill >= w.qty, let chosen {
            let diff = s.p.objective[w.cls * s.B + b] - s.p.objective[w.cls * s.B + chosen]
            if diff > 1e-9 {
                // The objective counts older stock's aging bonus: when that, and not cost alone, made the difference, the
                // note says so, so that its figure matches the cost columns.
                let costDiff = (s.p.arc(w.cls, b)?.unitCost ?? 0) - (s.p.arc(w.cls, chosen)?.unitCost ?? 0)
                let suffix = receipt.isEmpty ? "" : " (\(receipt))"
                if diff - costDiff < -1e-6 {
                    // This option's stock is the older one: it is dearer by more than its bonus makes up.
                    return "costs \(PlanJSON.number(costDiff, decimals: 2))/unit more than \(reference), more than its older stock "
                        + "makes up (aging bonus \(PlanJSON.number(costDiff - diff, decimals: 2))/unit)" + suffix
                }
                if diff - costDiff > 1e-6 {
                    let bonus = "(aging bonus \(PlanJSON.number(diff - costDiff, decimals: 2))/unit)"
                    if costDiff > 1e-9 {
                        return "costs \(PlanJSON.number(costDiff, decimals: 2))/unit more than \(reference), whose older stock also goes first "
                            + bonus + suffix
                    }
                    return (costDiff < -1e-9 ? "costs \(PlanJSON.number(-costDiff, decimals: 2))/unit less, but " : "costs the same, but ")
                        + "\(reference)'s older stock goes first " + bonus + suffix
                }
                return "costs \(PlanJSON.number(diff, decimals: 2))/unit more than \(reference)" + suffix
            }
            return "as cheap, but the line is already served whole" + (receipt.isEmpty ? "" : " (\(receipt))")
        }
        if !w.allowPartial { return "all or nothing: the line's \(w.qty) units could not all be found" }
        return receipt.isEmpty ? "\(free) units free but not needed" : receipt
    }
}
