/// Warehouses' daily line capacity (`respect_capacity`): a site ships at most `daily_line_capacity` lines a day.
///
/// A pass after the solver. Lines book their sites' days in priority order (class, then first come first served);
/// a line beyond a site's capacity either ships the next day (and so on), which can make it late, or goes to
/// another site whose free units (nobody else's) reach the customer for less than the lateness of waiting costs.
/// Fills never change, so priority, commitments and quotas hold; lines of ship-complete orders keep their single
/// warehouse and wait, unless the order cannot ship complete anyway (SHIP_COMPLETE: it goes to review).
enum SiteCapacity {
    struct Slot: Hashable { var warehouse: WarehouseID; var day: Int32 }

    static func apply(_ lines: inout [LineRecommendation], ledger: inout SupplyLedger, solver: inout [LineKey: LineRecommendation],
                      index: PlanningIndex, policy: Policy) {
        var capacity: [WarehouseID: Int] = [:]
        for w in index.snapshot.warehouses { if let c = w.dailyLineCapacity { capacity[w.id] = c } }
        guard !capacity.isEmpty else { return }
        // Serve order: priority class, then first come first served.
        var keyed: [(key: (Int, Int32, Int32), i: Int)] = []
        for i in lines.indices where !lines[i].allocations.isEmpty {
            let o = index.order(lines[i].orderID)
            keyed.append(((lines[i].priorityClass, o?.requestedDate.ordinal ?? 0, o?.orderDate.ordinal ?? 0), i))
        }
        // Lines are in key order, so ties keep order id and line number order.
        keyed.sort { $0.key != $1.key ? $0.key < $1.key : $0.i < $1.i }
        var booked: [Slot: Int] = [:]
        /// The first day from `day` on that `warehouse` still has room (its own day when it has no limit).
        func firstOpen(_ warehouse: WarehouseID, _ day: Int32) -> Int32 {
            guard let cap = capacity[warehouse], cap > 0 else { return day }
            var d = day
            while (booked[Slot(warehouse: warehouse, day: d)] ?? 0) >= cap { d += 1 }
            return d
        }
        /// The allocation moved to ship on `day`, with the lateness that adds.
        func shifted(_ a: Allocation, to day: Int32, requested: Day) -> Allocation {
            let shift = Int(day - a.shipDate.ordinal)
            guard shift > 0 else { return a }
            var b = a
            b.shipDate = a.shipDate + shift
            b.arrivalDate = a.arrivalDate + shift
            let lateBefore = max(0, a.arrivalDate - requested), lateAfter = max(0, b.arrivalDate - requested)
            b.cost += policy.cost.latenessPerUnitDay * Double(a.qty * (lateAfter - lateBefore))
            return b
        }
        for (_, i) in keyed {
            guard let order = index.order(lines[i].orderID) else { continue }
            var notes: [String] = []
            var next = lines[i]
            for k in next.allocations.indices {
                let a = next.allocations[k]
                guard capacity[a.warehouseID] != nil else { continue }
                let day = firstOpen(a.warehouseID, a.shipDate.ordinal)
                if day == a.shipDate.ordinal { booked[Slot(warehouse: a.warehouseID, day: day), default: 0] += 1; continue }
                let cap = capacity[a.warehouseID]!
                let shift = Int(day - a.shipDate.ordinal)
                let wait = shifted(a, to: day, requested: order.requestedDate)
                // Elsewhere: a whole other supply of the line's own sku with free units, shipped as soon as its site has room.
                var elsewhere: Allocation?
                var fromBucket = -1
                // A ship-complete order keeps its one warehouse; one already flagged as unable to ship complete has none to keep.
                let keepsItsSite = order.shipComplete && !next.exceptions.contains(.shipComplete)
                if !keepsItsSite, !isSubstitute(a) {
                    ledger.load(next.sku)
                    fromBucket = ledger.bucket(of: a, sku: next.sku) ?? -1
                    for b in (ledger.buckets(next.sku) ?? []).indices where b != fromBucket && ledger.free(next.sku, b) >= a.qty {
                        guard let (alt, _) = ledger.route(line: next, order: order, bucket: b, qty: a.qty) else { continue }
                        let moved = shifted(alt, to: firstOpen(alt.warehouseID, alt.shipDate.ordinal), requested: order.requestedDate)
                        if moved.arrivalDate - order.requestedDate > policy.cost.maxLateDays { continue }
                        if elsewhere == nil || moved.cost < elsewhere!.cost - 1e-9 { elsewhere = moved }
                    }
                }
                let full = "\(a.warehouseID) is at its daily line capacity (\(cap)) on \(a.shipDate.short)"
                if let alt = elsewhere, alt.cost < wait.cost - 1e-9, fromBucket >= 0 {
                    ledger.release([a], sku: next.sku)
                    ledger.take([alt], sku: next.sku)
                    next.allocations[k] = alt
                    if capacity[alt.warehouseID] != nil { booked[Slot(warehouse: alt.warehouseID, day: alt.shipDate.ordinal), default: 0] += 1 }
                    notes.append("\(full): ships from \(supplyName(alt, besides: a)) instead, which costs \(PlanJSON.number(alt.cost, decimals: 2))"
                                 + " against \(PlanJSON.number(wait.cost, decimals: 2)) for waiting \(shift) day\(shift == 1 ? "" : "s")")
                } else {
                    booked[Slot(warehouse: a.warehouseID, day: day), default: 0] += 1
                    next.allocations[k] = wait
                    // The sentence before the note tells the solver's dates: the note tells the ones the line now has.
                    let late = wait.arrivalDate - order.requestedDate
                    var note = "\(a.warehouseID) ships \(shift) day\(shift == 1 ? "" : "s") later (daily line capacity \(cap)), on "
                        + "\(wait.shipDate.short), arriving \(wait.arrivalDate.short)"
                        + (late > 0 ? " (\(late) day\(late == 1 ? "" : "s") late)" : " on time")
                    if let alt = elsewhere { note += ", cheaper than shipping from \(supplyName(alt, besides: a))" }
                    else if keepsItsSite { note += ", keeping the ship-complete order on one warehouse" }
                    notes.append(note)
                }
            }
            guard !notes.isEmpty else { continue }
            if solver[next.key] == nil { solver[next.key] = lines[i] }
            next.allocations = merged(next.allocations)
            ledger.refreshSourcing(&next, order: order)
            let text = notes.joined(separator: "; ")
            next.rationale += " " + text.prefix(1).uppercased() + text.dropFirst() + "."
            lines[i] = next
        }
    }

    /// The other supply a capacity note weighs against `a`: its site, or, when that is `a`'s own site (a receipt there,
    /// or stock transferred in), the site and the supply ("DAL via transfer from ATL"), so that the note never weighs a
    /// site against itself.
    static func supplyName(_ alt: Allocation, besides a: Allocation) -> String {
        alt.warehouseID != a.warehouseID ? alt.warehouseID : "\(alt.warehouseID) \(Rationale.sourcePhrase(alt.source, at: alt.warehouseID))"
    }

    static func isSubstitute(_ a: Allocation) -> Bool { if case .substitute = a.source { return true }; return false }

    /// Allocations of one line that became identical (same site, supply, dates and mode) as one.
    static func merged(_ allocations: [Allocation]) -> [Allocation] {
        var out: [Allocation] = []
        for a in allocations {
            if let k = out.firstIndex(where: { $0.warehouseID == a.warehouseID && $0.source == a.source && $0.shipDate == a.shipDate
                && $0.arrivalDate == a.arrivalDate && $0.mode == a.mode }) {
                out[k].qty += a.qty; out[k].cost += a.cost
            } else { out.append(a) }
        }
        out.sort(by: Allocation.inLineOrder)
        return out
    }
}
