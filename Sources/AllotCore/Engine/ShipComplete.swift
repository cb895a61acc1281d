import Dispatch

/// Ship-complete orders (`ship_complete = true`): every line of the order ships from one warehouse, or the order goes
/// to review (SHIP_COMPLETE).
///
/// A pass after the solver: when the cheapest sourcing spreads such an order over several warehouses, the order is
/// re-sourced whole to the cheapest warehouse that can ship every line from units nobody else uses (stock there,
/// its receipts, or transfers into it). Every line keeps its fill and no other line loses a unit, so priority,
/// commitments and quotas hold exactly as the solver left them; the order only pays more freight or lateness.
/// Orders are taken in priority order (class, then first come first served), so a higher-priority order gets
/// the free units first. A line served by a substitute keeps it, so the order can only ship from that substitute's
/// warehouse. An order with a short line cannot ship complete and goes to review.
enum ShipComplete {
    /// One warehouse's offer for a whole order: each line's allocations, the cost, and the lines it cannot serve.
    struct Offer {
        var warehouse: Int
        var allocations: [[Allocation]]
        /// Units taken per (member's sku slot in the ledger, supply).
        var taken: [(slot: Int, b: Int, q: Int)]
        var objective: Double
        /// Per line it cannot serve whole: (line position, units it could find).
        var lacking: [(Int, Int)]
    }

    /// A spread order to re-source (its place in the pass and its skus) and its lines' positions in the plan.
    typealias Spread = (order: SpreadOrder, range: Range<Int>)

    /// Re-sources the spread ship-complete orders of a plan whose lines are the solver's, in priority order, and flags
    /// those that cannot ship complete. Returns the spread orders as the pass found them, in its order (what an
    /// incremental re-plan redoes the pass from).
    @discardableResult
    static func apply(_ lines: inout [LineRecommendation], ledger: inout SupplyLedger, solver: inout [LineKey: LineRecommendation],
                      index: PlanningIndex, policy: Policy) -> [SpreadOrder] {
        // Find the ship-complete orders, and which of them spread over several warehouses with every line whole.
        var candidates = reviewAll(&lines, solver: &solver, index: index, policy: policy)
        candidates.sort { $0.order.passKey < $1.order.passKey }
        // Room for every line the re-sourcing may change, made once (grown entry by entry, the table is rebuilt at each doubling).
        solver.reserveCapacity(solver.count + candidates.reduce(0) { $0 + $1.range.count })
        // Every core works out the supplies the re-sourcing will read (unless the solved groups handed them all over).
        if !ledger.everySkuLoaded { ledger.preload(wanted(lines, candidates.map(\.range))) }
        // An order's re-sourcing reads and changes only its own skus' free units. So each order goes in the first round
        // after every earlier order sharing a sku with it; the orders of one round share none and are weighed side by
        // side, then applied in order: each sees exactly the free units it would see one order after another.
        var round: [SKU: Int] = [:]
        var rounds: [[Int]] = []
        for (n, c) in candidates.enumerated() {
            var r = 0
            for k in c.range where reSourced(lines[k]) { if let before = round[lines[k].sku] { r = max(r, before + 1) } }
            for k in c.range where reSourced(lines[k]) { round[lines[k].sku] = r }
            if r == rounds.count { rounds.append([]) }
            rounds[r].append(n)
        }
        let ranges = candidates.map(\.range)
        for orders in rounds {
            var decisions = [Decision](repeating: .none, count: orders.count)
            do {
                let view = ledger
                lines.withUnsafeBufferPointer { lineBuffer in
                    decisions.withUnsafeMutableBufferPointer { out in
                        // Each decision slot is written by the one worker whose stride reaches it; lines and ledger are only read.
                        nonisolated(unsafe) let out = out, lineBuffer = lineBuffer
                        let workers = orders.count < 2 ? 1 : min(orders.count, 64)
                        DispatchQueue.concurrentPerform(iterations: workers) { w in
                            for k in stride(from: w, to: orders.count, by: workers) {
                                out[k] = decide(lineBuffer, ranges[orders[k]], ledger: view, index: index, policy: policy)
                            }
                        }
                    }
                }
            }
            for (k, n) in orders.enumerated() {
                commit(decisions[k], &lines, ranges[n], ledger: &ledger, solver: &solver, policy: policy)
            }
        }
        return candidates.map(\.order)
    }

    /// Runs `review` over every order, on every core: each worker takes a run of whole orders (orders share no line, so
    /// flags are written in place) and keeps the solver's recommendations of the lines it flagged, merged afterwards.
    /// Returns the orders to re-source, each with its place in the pass and its skus, in plan order (`workers`: runs, by
    /// default one for a small plan and 32 for a large one).
    static func reviewAll(_ lines: inout [LineRecommendation], solver: inout [LineKey: LineRecommendation], index: PlanningIndex,
                          policy: Policy, workers: Int? = nil) -> [Spread] {
        let n = lines.count
        let workers = max(1, workers ?? (n < 4096 ? 1 : 32))
        // Cut points on order boundaries (an order's lines are next to each other in the plan).
        let bounds: [Int] = { [lines] in
            var cuts = [0]
            for w in 1..<workers {
                var c = max(cuts[w - 1], w * n / workers)
                while c > 0 && c < n && lines[c].orderID == lines[c - 1].orderID { c += 1 }
                cuts.append(c)
            }
            return cuts + [n]
        }()
        var found = [[Spread]](repeating: [], count: workers)
        var flagged = [[LineKey: LineRecommendation]](repeating: [:], count: workers)
        lines.withUnsafeMutableBufferPointer { buffer in
            found.withUnsafeMutableBufferPointer { found in
                flagged.withUnsafeMutableBufferPointer { flagged in
                    // Worker w alone writes lines bounds[w] ..< bounds[w + 1] and slot w of `found` and `flagged`.
                    nonisolated(unsafe) let (buffer, found, flagged) = (buffer, found, flagged)
                    DispatchQueue.concurrentPerform(iterations: workers) { w in
                        var mine = buffer
                        var i = bounds[w]
                        while i < bounds[w + 1] {
                            var j = i + 1
                            while j < bounds[w + 1] && buffer[j].orderID == buffer[i].orderID { j += 1 }
                            if let key = review(&mine, i..<j, solver: &flagged[w], index: index, policy: policy) {
                                // (Before any is re-sourced, the order's lines are the solver's.)
                                found[w].append((SpreadOrder(key: key, skus: (i..<j).map { buffer[$0].sku }), i..<j))
                            }
                            i = j
                        }
                    }
                }
            }
        }
        solver.reserveCapacity(solver.count + flagged.reduce(0) { $0 + $1.count })
        for f in flagged { solver.merge(f) { kept, _ in kept } }
        return found.flatMap { $0 }
    }

    /// Whether a line of a spread order takes part in its re-sourcing (and so reads its sku's free units).
    static func reSourced(_ r: LineRecommendation) -> Bool { r.status != .held && r.allocated > 0 }

    /// The skus the re-sourcing of these orders reads.
    static func wanted(_ lines: [LineRecommendation], _ ranges: [Range<Int>]) -> Set<SKU> {
        var wanted = Set<SKU>()
        for range in ranges { for k in range where reSourced(lines[k]) { wanted.insert(lines[k].sku) } }
        return wanted
    }

    /// Looks at one order's lines before any is re-sourced: a ship-complete order with a short line is flagged; for one
    /// spread over several warehouses with every line whole, returns its place in the pass (it is to be re-sourced).
    static func review<Lines: MutableCollection & RandomAccessCollection>(
        _ lines: inout Lines, _ range: Range<Int>, solver: inout [LineKey: LineRecommendation], index: PlanningIndex, policy: Policy
    ) -> PassKey? where Lines.Element == LineRecommendation, Lines.Index == Int {
        guard let o = index.order(lines[range.lowerBound].orderID), o.shipComplete else { return nil }
        let (sites, anyShort) = spread(lines, range)
        if !sites.isEmpty && anyShort {
            flag(&lines, range, solver: &solver, policy: policy,
                 reason: " Ship complete: some of the order's lines are short, so it cannot ship complete"
                    + (sites.count > 1 ? "; its lines also ship from \(sites.sorted().joined(separator: " and "))." : "."))
        } else if sites.count > 1 {
            return priorityKey(lines, range, order: o)
        }
        return nil
    }

    /// The warehouses an order's lines ship from, and whether an unheld line is short: a ship-complete order served
    /// from several warehouses with no short line is re-sourced (`resource`), one with a short line is flagged.
    static func spread<Lines: RandomAccessCollection>(_ lines: Lines, _ range: Range<Int>) -> (sites: Set<WarehouseID>, anyShort: Bool)
        where Lines.Element == LineRecommendation, Lines.Index == Int {
        var sites = Set<WarehouseID>()
        for k in range { for a in lines[k].allocations { sites.insert(a.warehouseID) } }
        return (sites, range.contains { lines[$0].short > 0 && lines[$0].status != .held })
    }

    /// The order in which spread orders are re-sourced: priority class, then first come first served.
    static func priorityKey<Lines: RandomAccessCollection>(_ lines: Lines, _ range: Range<Int>, order o: Order) -> PassKey
        where Lines.Element == LineRecommendation, Lines.Index == Int {
        PassKey(priorityClass: range.map { lines[$0].priorityClass }.min() ?? 0, requested: o.requestedDate.ordinal,
                ordered: o.orderDate.ordinal, orderID: o.id)
    }

    /// Re-sources one spread order to its cheapest single warehouse, or flags it for review saying why none can.
    static func resource(_ lines: inout [LineRecommendation], _ range: Range<Int>, ledger: inout SupplyLedger,
                         solver: inout [LineKey: LineRecommendation], index: PlanningIndex, policy: Policy) {
        ledger.preload(wanted(lines, [range]))
        let decision = lines.withUnsafeBufferPointer { decide($0, range, ledger: ledger, index: index, policy: policy) }
        commit(decision, &lines, range, ledger: &ledger, solver: &solver, policy: policy)
    }

    /// What re-sourcing one spread order comes to.
    enum Decision {
        case none
        /// To review: these lines (positions in the plan) get these recommendations, flagged with the reason (worked out
        /// with the decision, on every core; only storing them is left to the commits, one order after another).
        case flag(members: [Int], to: [LineRecommendation])
        /// These lines (positions in the plan) get these recommendations.
        case move(members: [Int], to: [LineRecommendation])
    }

    /// The decision that flags the order's unheld lines for review with `reason` (see `flagged`).
    static func flagging(_ lines: UnsafeBufferPointer<LineRecommendation>, _ range: Range<Int>, policy: Policy,
                         reason: String) -> Decision {
        var members: [Int] = [], flaggedLines: [LineRecommendation] = []
        for k in range { if let r = flagged(lines[k], policy: policy, reason: reason) { members.append(k); flaggedLines.append(r) } }
        return .flag(members: members, to: flaggedLines)
    }

    /// Weighs re-sourcing one spread order against the free units as they stand, changing nothing: its skus must be
    /// loaded in the ledger (`preload`).
    static func decide(_ lines: UnsafeBufferPointer<LineRecommendation>, _ range: Range<Int>, ledger: SupplyLedger,
                       index: PlanningIndex, policy: Policy) -> Decision {
        guard let order = index.order(lines[range.lowerBound].orderID) else { return .none }
        let all = range.filter { reSourced(lines[$0]) }
        let sites = Set(all.flatMap { lines[$0].allocations.map(\.warehouseID) }).sorted()
        let spread = " Ship complete: the cheapest sourcing uses \(sites.joined(separator: " and ")), and "
        // A line served by a substitute keeps it (the substitute is what made it whole): the order can only ship from
        // the substitute's warehouse, and the other lines are re-sourced around it.
        let pinned = all.filter { m in lines[m].allocations.contains { SiteCapacity.isSubstitute($0) } }
        let pinnedSites = Set(pinned.flatMap { lines[$0].allocations.map(\.warehouseID) }).sorted()
        let pinnedText = pinned.count == 1 ? "line \(lines[pinned[0]].lineNo) is served by a substitute from"
            : "lines " + pinned.map { String(lines[$0].lineNo) }.joined(separator: " and ") + " are served by substitutes from"
        if pinnedSites.count > 1 {
            return flagging(lines, range, policy: policy,
                            reason: spread + pinnedText + " " + pinnedSites.joined(separator: " and ") + "; the order needs review.")
        }
        let members = all.filter { !pinned.contains($0) }
        let slots = members.map { m in
            guard let slot = ledger.slot(lines[m].sku) else { preconditionFailure("ship complete: \(lines[m].sku) was not preloaded") }
            return slot
        }
        // The order's own units count as free while it looks for one warehouse.
        var free: [Int: [Int]] = [:]
        for (k, m) in members.enumerated() {
            if free[slots[k]] == nil { free[slots[k]] = ledger.freeUnits(slot: slots[k]) }
            for a in lines[m].allocations { if let b = ledger.bucket(of: a, slot: slots[k]) { free[slots[k]]![b] += a.qty } }
        }
        var best: Offer?
        var offers: [Offer] = []
        let candidates = pinnedSites.isEmpty ? Array(index.snapshot.warehouses.indices) : pinnedSites.compactMap { index.warehouseIndex[$0] }
        // Each line's ways to be served, by the warehouse they ship from.
        let warehouseCount = index.snapshot.warehouses.count
        let region = ledger.region(of: order)
        let routes: [[[Option]]] = slots.map { slot in
            guard let region else { return [[Option]](repeating: [], count: warehouseCount) }
            return ledger.optionsByWarehouse(slot: slot, region: region, requested: order.requestedDate.ordinal, free: free[slot]!)
        }
        for w in candidates {
            // A quick count first: a warehouse that lacks units for some line is only named in the reason.
            var lacking: [(Int, Int)] = []
            for (k, m) in members.enumerated() {
                let units = free[slots[k]]!
                let have = routes[k][w].reduce(0) { $0 + units[$1.b] }
                if have < lines[m].allocated { lacking.append((k, have)) }
            }
            if lacking.isEmpty {
                let offer = self.offer(from: w, members: members, slots: slots, free: free, routes: routes, lines: lines,
                                       ledger: ledger, policy: policy)
                if offer.lacking.isEmpty {
                    if best == nil || offer.objective < best!.objective - 1e-9 { best = offer }
                    continue
                }
                lacking = offer.lacking
            }
            if lacking.count < members.count || lacking.contains(where: { $0.1 > 0 }) || !pinned.isEmpty {
                offers.append(Offer(warehouse: w, allocations: [], taken: [], objective: 0, lacking: lacking))
            }
        }
        guard let chosen = best else {
            let why: String
            if let o = offers.first, !pinned.isEmpty {
                let site = pinnedSites[0]
                why = pinnedText + " \(site), so only \(site) could ship the whole order, but \(site) " + missing(o, members: members, lines: lines)
            } else {
                why = noneReason(offers, count: all.count, members: members, lines: lines, index: index)
            }
            return flagging(lines, range, policy: policy, reason: spread + why + "; the order needs review.")
        }
        let whID = index.snapshot.warehouses[chosen.warehouse].id
        var moved: [LineRecommendation] = []
        for (k, m) in members.enumerated() {
            var r = lines[m]
            r.allocations = chosen.allocations[k]
            ledger.refreshSourcing(&r, order: order)
            r.rationale = sentence(r, previous: lines[m], order: order, warehouse: whID, sites: sites, lineCount: all.count)
            moved.append(r)
        }
        return .move(members: members, to: moved)
    }

    /// Applies a decision: flags the order, or gives its lines their new recommendations and moves their units in
    /// the ledger (the solver's recommendation of each changed line is kept in `solver`).
    static func commit(_ decision: Decision, _ lines: inout [LineRecommendation], _ range: Range<Int>, ledger: inout SupplyLedger,
                       solver: inout [LineKey: LineRecommendation], policy: Policy) {
        switch decision {
        case .none:
            return
        case .flag(let members, let flaggedLines):
            for (k, m) in members.enumerated() { replace(&lines, m, with: flaggedLines[k], solver: &solver) }
        case .move(let members, let moved):
            for m in members { ledger.release(lines[m].allocations, sku: lines[m].sku) }
            for (k, m) in members.enumerated() {
                ledger.take(moved[k].allocations, sku: moved[k].sku)
                replace(&lines, m, with: moved[k], solver: &solver)
            }
        }
    }

    /// One supply a line could ship from a given warehouse: the route and the objective per unit.
    struct Option { var b: Int; var arc: ArcRoute; var obj: Double }

    /// What warehouse `w` can do for the order's lines, from free units only, each line from its cheapest supplies.
    static func offer(from w: Int, members: [Int], slots: [Int], free units: [Int: [Int]], routes: [[[Option]]],
                      lines: UnsafeBufferPointer<LineRecommendation>, ledger: SupplyLedger, policy: Policy) -> Offer {
        var offer = Offer(warehouse: w, allocations: [], taken: [], objective: 0, lacking: [])
        for (k, m) in members.enumerated() {
            let r = lines[m]
            let need = r.allocated
            var options: [(o: Option, free: Int)] = []
            for o in routes[k][w] {
                var free = units[slots[k]]![o.b]
                for t in offer.taken where t.slot == slots[k] && t.b == o.b { free -= t.q }
                if free > 0 { options.append((o, free)) }
            }
            var left = need
            var allocs: [Allocation] = []
            var objective = 0.0
            // A whole line from one supply saves the split penalty: prefer the cheapest supply that holds it all.
            if let whole = options.first(where: { $0.free >= need }),
               options.first.map({ Double(need) * (whole.o.obj - $0.o.obj) < policy.cost.splitPenalty }) ?? false {
                options = [whole]
            }
            for (o, free) in options where left > 0 {
                let q = min(left, free)
                allocs.append(ledger.allocation(o.arc, bucket: ledger.bucket(slot: slots[k], o.b), qty: q))
                offer.taken.append((slots[k], o.b, q))
                objective += Double(q) * o.obj
                left -= q
            }
            if left > 0 { offer.lacking.append((k, need - left)) }
            allocs.sort(by: Allocation.inLineOrder)
            offer.allocations.append(allocs)
            offer.objective += objective + policy.cost.splitPenalty * Double(max(0, allocs.count - 1))
        }
        return offer
    }

    /// "no single warehouse holds all 3 lines: DAL lacks FP-8, CHI lacks AF-4", naming the nearest misses first.
    static func noneReason(_ offers: [Offer], count n: Int, members: [Int], lines: UnsafeBufferPointer<LineRecommendation>,
                           index: PlanningIndex) -> String {
        var text = "no single warehouse holds all \(n) line\(n == 1 ? "" : "s")"
        let ranked = offers.sorted { ($0.lacking.count, $0.warehouse) < ($1.lacking.count, $1.warehouse) }
        let parts = ranked.prefix(3).map { "\(index.snapshot.warehouses[$0.warehouse].id) " + missing($0, members: members, lines: lines) }
        if !parts.isEmpty {
            text += ": " + parts.joined(separator: ", ")
            if ranked.count > 3 { text += " (and \(ranked.count - 3) other warehouse\(ranked.count == 4 ? "" : "s"))" }
        }
        return text
    }

    /// What one warehouse lacks for the order: "lacks FP-8 and AF-4 and has only 3 of 5 MX".
    static func missing(_ o: Offer, members: [Int], lines: UnsafeBufferPointer<LineRecommendation>) -> String {
        let none = o.lacking.filter { $0.1 == 0 }.map { lines[members[$0.0]].sku }
        var parts = none.isEmpty ? [] : ["lacks " + none.joined(separator: " and ")]
        for (k, have) in o.lacking where have > 0 { parts.append("has only \(have) of \(lines[members[k]].allocated) \(lines[members[k]].sku)") }
        return parts.joined(separator: " and ")
    }

    /// The rationale of a line re-sourced to the order's single warehouse.
    static func sentence(_ r: LineRecommendation, previous: LineRecommendation, order: Order, warehouse: WarehouseID,
                         sites: [WarehouseID], lineCount: Int) -> String {
        let prefix = previous.rationale.range(of: ": ").map { String(previous.rationale[..<$0.lowerBound]) } ?? "Class \(r.priorityClass)"
        var text = prefix + ": all \(r.allocated)"
        if r.allocations.count == 1, let a = r.allocations.first {
            text += " from \(a.warehouseID) \(Rationale.sourcePhrase(a.source, at: a.warehouseID)), ships \(a.shipDate.short), arrives \(a.arrivalDate.short)"
            let late = a.arrivalDate - order.requestedDate
            text += late > 0 ? " (\(late) day\(late == 1 ? "" : "s") late)" : " on time"
        } else {
            text += " (" + r.allocations.map { "\($0.qty) from \($0.warehouseID) \(Rationale.sourcePhrase($0.source, at: $0.warehouseID))" }
                .joined(separator: ", ") + ")"
        }
        let all = lineCount == 1 ? "the order's line" : "all \(lineCount) of the order's lines"
        return text + "; ship complete: \(all) ship from \(warehouse), the cheapest warehouse that holds every line"
            + " (the cheapest sourcing would have used \(sites.joined(separator: " and ")))."
    }

    /// Sends every unheld line of the order to review with SHIP_COMPLETE and the reason.
    static func flag<Lines: MutableCollection & RandomAccessCollection>(
        _ lines: inout Lines, _ range: Range<Int>, solver: inout [LineKey: LineRecommendation], policy: Policy, reason: String
    ) where Lines.Element == LineRecommendation, Lines.Index == Int {
        for k in range {
            if let r = flagged(lines[k], policy: policy, reason: reason) { replace(&lines, k, with: r, solver: &solver) }
        }
    }

    /// Puts `r` in place of line `k`, keeping the solver's recommendation of the line (in `solver`) the first time a pass
    /// changes it.
    static func replace<Lines: MutableCollection & RandomAccessCollection>(
        _ lines: inout Lines, _ k: Int, with r: LineRecommendation, solver: inout [LineKey: LineRecommendation]
    ) where Lines.Element == LineRecommendation, Lines.Index == Int {
        if solver[lines[k].key] == nil { solver[lines[k].key] = lines[k] }
        lines[k] = r
    }

    /// An unheld line not flagged yet, flagged SHIP_COMPLETE with the reason (nil: the line is left as it is).
    static func flagged(_ line: LineRecommendation, policy: Policy, reason: String) -> LineRecommendation? {
        guard line.status != .held && !line.exceptions.contains(.shipComplete) else { return nil }
        var r = line
        r.exceptions.append(.shipComplete); r.exceptions.sort()
        r.rationale += reason
        r.status = Engine.status(for: r, policy: policy)
        return r
    }
}
