/// What the solver reads of one order line, its order and its customer, packed into one cache line (no string but the
/// line's key), so that setting up a sku's lines, and writing their recommendations, reads one small row per line
/// instead of the line, its order and its customer (which sit far apart among millions of rows).
struct LineFacts: Sendable {
    var key: LineKey
    var qty: Int
    /// The line's own price (`hasPrice`); the item's price, when it has none, is the sku's and is read per sku.
    var unitPrice: Double
    var requested: Int32
    var ordered: Int32
    /// The ship-to region (the order's, else its customer's) in `PlanningIndex.regionIndex`, or -1.
    var region: Int32
    /// The customer's tier in `PlanningIndex.tiers` (0: no tier, or no such customer).
    var tier: Int32
    var flags: Flags

    struct Flags: OptionSet, Sendable {
        let rawValue: UInt16
        static let allowPartial = Flags(rawValue: 1 << 0)
        static let allowSubstitute = Flags(rawValue: 1 << 1)
        static let hasPrice = Flags(rawValue: 1 << 2)
        /// The line's order is not in the snapshot, or is cancelled: the line is not planned.
        static let unplanned = Flags(rawValue: 1 << 3)
        static let orderHold = Flags(rawValue: 1 << 4)
        static let creditHold = Flags(rawValue: 1 << 5)
        /// The order carries a planner's priority override (read from the order itself: it is rare).
        static let overridden = Flags(rawValue: 1 << 6)
    }

    /// The facts of `line`, given its order's (`order.flags` says whether the order exists and is planned).
    init(line: OrderLine, order: LineFacts) {
        self = order
        key = line.key
        qty = line.qty
        unitPrice = line.unitPrice ?? 0
        if line.unitPrice != nil { flags.insert(.hasPrice) }
        if line.allowPartial { flags.insert(.allowPartial) }
        if line.allowSubstitute { flags.insert(.allowSubstitute) }
    }

    /// Facts of the order part only (no line yet).
    init(requested: Int32, ordered: Int32, region: Int32, tier: Int32, flags: Flags) {
        key = LineKey(orderID: "", lineNo: 0); qty = 0; unitPrice = 0
        self.requested = requested; self.ordered = ordered; self.region = region; self.tier = tier; self.flags = flags
    }
}

/// A customer's part of its orders' line facts: its tier, its region and whether it is on credit hold.
struct CustomerFacts: Sendable {
    var tier: Int32
    var region: Int32
    var creditHold: Bool
}

extension PlanningIndex {
    /// Works out every customer's facts (naming its tier in `tiers`), then, in one pass over the lines in snapshot order,
    /// each line's order (an order's lines are usually listed together: its id is hashed, and the order read, once for
    /// the run), whether the lines are in key order, each line's facts, and each sku's lines.
    mutating func indexLines() {
        var tierIndex: [String: Int32] = ["": 0]
        tiers = [""]
        customerFacts = snapshot.customers.map { c in
            let tier: Int32
            if let t = tierIndex[c.tier] { tier = t } else {
                tier = Int32(tiers.count); tierIndex[c.tier] = tier; tiers.append(c.tier)
            }
            return CustomerFacts(tier: tier, region: c.region.flatMap { regionIndex[$0] }.map(Int32.init) ?? -1,
                                 creditHold: c.creditStatus == .hold)
        }
        let n = snapshot.lines.count
        var orderOfLine: [Int] = [], facts: [LineFacts] = []
        var bySku: [SKU: [Int]] = [:]
        orderOfLine.reserveCapacity(n); facts.reserveCapacity(n)
        var run: (id: OrderID, lineNo: Int, at: Int, facts: LineFacts)?
        var inKeyOrder = true
        for (i, l) in snapshot.lines.enumerated() {
            if let r = run, r.id == l.orderID {
                if r.lineNo >= l.lineNo { inKeyOrder = false }
                run!.lineNo = l.lineNo
            } else {
                if let r = run, !(r.id < l.orderID) { inKeyOrder = false }
                let at = orderIndex[l.orderID] ?? -1
                run = (l.orderID, l.lineNo, at, orderFacts(at: at))
            }
            orderOfLine.append(run!.at)
            facts.append(LineFacts(line: l, order: run!.facts))
            bySku[l.sku, default: []].append(i)
        }
        lineOrder = orderOfLine
        lineFacts = facts
        linesInKeyOrder = inKeyOrder
        linesBySku = bySku
    }

    /// The facts the lines of the order at `at` in `snapshot.orders` share (-1: no such order, its lines unplanned).
    func orderFacts(at: Int) -> LineFacts {
        guard at >= 0 else { return LineFacts(requested: 0, ordered: 0, region: -1, tier: 0, flags: .unplanned) }
        let o = snapshot.orders[at]
        let c = orderCustomer[at] < 0 ? nil : customerFacts[orderCustomer[at]]
        var flags: LineFacts.Flags = []
        if o.status == .cancelled { flags.insert(.unplanned) }
        if o.status == .held { flags.insert(.orderHold) }
        if c?.creditHold == true { flags.insert(.creditHold) }
        if o.priorityOverride != nil { flags.insert(.overridden) }
        let region = o.shipToRegion.map { regionIndex[$0].map(Int32.init) ?? -1 } ?? c?.region ?? -1
        return LineFacts(requested: o.requestedDate.ordinal, ordered: o.orderDate.ordinal, region: region,
                         tier: c?.tier ?? 0, flags: flags)
    }

    /// The region snapshot line `i` ships to, by name: its order's, else its customer's.
    func shipToRegion(ofLine i: Int) -> String? {
        guard let order = order(ofLine: i) else { return nil }
        return order.shipToRegion ?? customer(ofOrderAt: lineOrder[i])?.region
    }
}
