/// Warehouses' daily line capacity (`respect_capacity`): a site ships at most `daily_line_capacity` lines a day;
/// lines beyond it, lowest priority first, ship the next day (and so on), which can make them late.
enum SiteCapacity {
    static func apply(_ lines: inout [LineRecommendation], index: PlanningIndex, policy: Policy) {
        var capacity: [WarehouseID: Int] = [:]
        for w in index.snapshot.warehouses { if let c = w.dailyLineCapacity { capacity[w.id] = c } }
        guard !capacity.isEmpty else { return }
        // Serve order: priority class, then first come first served.
        func key(_ i: Int) -> (Int, Int32, Int32, String, Int) {
            let r = lines[i]
            let o = index.order(r.orderID)
            return (r.priorityClass, o?.requestedDate.ordinal ?? 0, o?.orderDate.ordinal ?? 0, r.orderID, r.lineNo)
        }
        let order = lines.indices.filter { !lines[$0].allocations.isEmpty }.sorted { key($0) < key($1) }
        var booked: [String: Int] = [:]
        for i in order {
            var moved: [String] = []
            for k in lines[i].allocations.indices {
                let a = lines[i].allocations[k]
                guard let cap = capacity[a.warehouseID] else { continue }
                var ship = a.shipDate
                while (booked["\(a.warehouseID)|\(ship.ordinal)"] ?? 0) >= cap && cap > 0 { ship = ship + 1 }
                booked["\(a.warehouseID)|\(ship.ordinal)", default: 0] += 1
                let shift = ship - a.shipDate
                guard shift > 0 else { continue }
                let requested = index.order(lines[i].orderID)?.requestedDate ?? a.arrivalDate
                let lateBefore = max(0, a.arrivalDate - requested)
                var b = a
                b.shipDate = ship
                b.arrivalDate = a.arrivalDate + shift
                let lateAfter = max(0, b.arrivalDate - requested)
                b.cost += policy.cost.latenessPerUnitDay * Double(a.qty * (lateAfter - lateBefore))
                lines[i].allocations[k] = b
                moved.append("\(a.warehouseID) ships \(shift) day\(shift == 1 ? "" : "s") later (daily line capacity \(cap))")
            }
            guard !moved.isEmpty else { continue }
            if let o = index.order(lines[i].orderID), lines[i].allocations.contains(where: { $0.arrivalDate > o.requestedDate }),
               !lines[i].exceptions.contains(.late) {
                lines[i].exceptions.append(.late); lines[i].exceptions.sort()
                lines[i].status = Engine.status(for: lines[i], policy: policy)
            }
            lines[i].rationale += " " + moved.joined(separator: "; ").prefix(1).uppercased() + moved.joined(separator: "; ").dropFirst() + "."
        }
    }
}
