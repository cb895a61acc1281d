/// One order line as the solver sees it: its priority, its class of identical eligibility and cost, and what it got.
/// Only what the solver reads is kept (no strings): the line, its order and its customer are read from the index by
/// `lineIndex` where a sentence needs them.
struct LineWork: Sendable {
    var lineIndex: Int
    var qty: Int
    /// The line's rank by key among its group's lines: first come, first served breaks ties by it.
    var keyRank: Int
    var unitPrice: Double?
    var marginPerUnit: Double?
    var requestedDay: Int32
    var orderDay: Int32
    /// The line's sku in `GroupProblem.skus`, and its customer's tier in `PlanningIndex.tiers`.
    var skuSlot: Int32
    var tier: Int32
    var priorityClass: Int
    /// The cost class (same sku, region, requested date and substitution rule), or -1 when not allocated at all.
    var cls: Int = -1
    var region: Int = -1
    var allowPartial: Bool
    var allowSubstitute: Bool
    var orderHold: Bool
    var creditHold: Bool
    var serviceBelowTarget = false
    var criticalLift = false
    var overridden = false
    /// Units protected by a commitment (served ahead of every class).
    var commitQty = 0
    var fill = 0
    var committedFill = 0
    var quotaLimited = false
    var commitmentConflict = false

    /// Held lines (order or credit hold) are not allocated.
    var isHeld: Bool { orderHold || creditHold }
    /// The holds as exceptions, in the contract's order.
    var holds: [ExceptionKind] {
        guard isHeld else { return [] }
        return orderHold ? (creditHold ? [.orderHold, .creditHold] : [.orderHold]) : [.creditHold]
    }
    var requestedDate: Day { Day(ordinal: requestedDay) }
}

/// How a bucket serves a class (`GroupProblem.arcWays`): the way in the index's table of ways and its days late.
struct ArcWay: Sendable {
    var way: Int32
    var daysLate: Int32
    /// The bucket cannot serve the class.
    static let none = ArcWay(way: -1, daysLate: 0)
    /// Units withheld for a commitment: they stay in their bucket.
    static let stay = ArcWay(way: -2, daysLate: 0)
}

/// Lines of one sku (or substitute) that share a region, a requested date and a substitution rule, hence the
/// same eligible buckets at the same costs: the unit the flow works on (its lines: `GroupProblem.lines(of:)`).
struct LineClass: Sendable {
    var sku: SKU
    /// The sku's position in `GroupProblem.skus`.
    var skuSlot: Int
    var region: Int
    var requested: Int32
    var allowSubstitute: Bool
}

/// Everything needed to solve one group of skus: its buckets, its lines and the arc costs between them.
struct GroupProblem: Sendable {
    var skus: [SKU]
    var buckets: [SupplyBucket] = []
    var lines: [LineWork] = []
    var classes: [LineClass] = []
    /// The lines of every class, class after class (each class's in line order), and where each class's start: a
    /// plan has some 750 thousand classes, and a list each was as many small arrays made and freed.
    var classLines: [Int] = []
    var classLineStart: [Int] = []
    /// Per `class * bucketCount + bucket`: the way its route takes, or none when the bucket cannot serve the class (see
    /// `arc`). Eight bytes a pair where a whole route took sixty-four: a plan makes some fifteen million pairs.
    var arcWays: [ArcWay] = []
    /// The index's table of ways (`ArcWay.way` points into it) and the policy's cost of a day late per unit.
    var routeTable: [RouteCandidate] = []
    var latenessPerUnitDay = 0.0
    /// The objective's per-unit cost of each arc (contract cost, minus aging bonus, plus substitution penalty).
    var objective: [Double] = []
    /// Per `own sku slot * skus.count + supplying sku slot`: the substitute's rank (0 = own sku; see `substituteRank`).
    var substituteRanks: [Int] = []
    /// The contract commitments on this group's skus, and for each the class that holds its protected units
    /// nobody has ordered yet (a class without lines: those units are withheld from other customers).
    var commitments: [Commitment] = []
    var protectedClass: [Int] = []
    /// Per line, its key (for its recommendation; the solver does not read it).
    var keys: [LineKey] = []
    /// Per sku slot, the item's unit cost (0 when unknown); the index's tier names (lines hold their numbers).
    var unitCost: [Double] = []
    var tiers: [String] = []
    /// Per line, its order's customer: only for a group with commitments (which are per customer), else empty.
    var customerOfLine: [CustomerID] = []
    var bucketCount: Int { buckets.count }

    /// Per-unit penalty that makes the engine prefer a line's own sku over any substitute of it.
    static let substitutionPenalty = 1_000_000.0

    init(index ix: PlanningIndex, policy: Policy, asOf: Day, skus: [SKU], serviceBelow: Set<CustomerID>, memo: ArcMemo? = nil) {
        self.skus = skus
        var skuSlot: [SKU: Int] = [:]
        for (i, s) in skus.enumerated() { skuSlot[s] = i }

        // Supply: on hand per warehouse, then receipts, in a fixed order.
        for (slot, sku) in skus.enumerated() { ix.appendSupplies(of: sku, slot: slot, policy: policy, asOf: asOf, to: &buckets) }

        // Lines: every line of an open or held order that Allot has not released yet.
        let anyReserved = !ix.reservedLines.isEmpty
        let tierClass = ix.tiers.map { policy.tierClass($0) }
        // A class is one (region, requested day, substitution rule) of a sku: its key packs the three in one word. The
        // sku's classes by key, in an open-addressing table reused from sku to sku (a dictionary per sku hashed every
        // line with SipHash, and was made and freed some twenty thousand times a plan).
        var classTable = ClassKeyTable()
        for (slot, sku) in skus.enumerated() {
            // Every line listed under a sku is of that sku: its item is looked up once.
            let item = ix.item(sku)
            let lift = policy.priority.criticalItemsFirst && item?.critical == true
            let list = ix.linesBySku[sku] ?? []
            lines.reserveRoom(for: list.count)
            keys.reserveRoom(for: list.count)
            // The sku's facts are gathered first, in a loop of loads alone: its lines lie scattered over the whole
            // table, and a tight gather keeps many of those reads in flight at once, where reading each amid the
            // line's set-up waited for them one by one.
            let gathered = list.map { ix.lineFacts[$0] }
            classTable.start(room: list.count)
            for (k, li) in list.enumerated() {
                let f = gathered[k]
                guard !f.flags.contains(.unplanned), !(anyReserved && ix.reservedLines.contains(f.key)) else { continue }
                var w = LineWork(lineIndex: li, qty: f.qty, keyRank: li,
                                 unitPrice: f.flags.contains(.hasPrice) ? f.unitPrice : item?.unitPrice,
                                 requestedDay: f.requested, orderDay: f.ordered, skuSlot: Int32(slot), tier: f.tier,
                                 priorityClass: 0, region: Int(f.region), allowPartial: f.flags.contains(.allowPartial),
                                 allowSubstitute: f.flags.contains(.allowSubstitute), orderHold: f.flags.contains(.orderHold),
                                 creditHold: f.flags.contains(.creditHold))
                var cls = tierClass[Int(f.tier)]
                if lift, cls > 0 { cls -= 1; w.criticalLift = true }
                if f.flags.contains(.overridden), let o = ix.order(ofLine: li)?.priorityOverride { cls = max(0, o); w.overridden = true }
                w.priorityClass = cls
                if !serviceBelow.isEmpty, ix.lineOrder[li] >= 0, let c = ix.customer(ofOrderAt: ix.lineOrder[li]) {
                    w.serviceBelowTarget = serviceBelow.contains(c.id)
                }
                if !w.isHeld && w.qty > 0 {
                    let key = Int(f.region) << 34 | Int(UInt32(bitPattern: f.requested)) << 1 | (w.allowSubstitute ? 1 : 0)
                    w.cls = classTable.find(key, orAdd: classes.count)
                    if w.cls == classes.count {
                        classes.append(LineClass(sku: sku, skuSlot: slot, region: w.region, requested: f.requested,
                                                 allowSubstitute: w.allowSubstitute))
                    }
                }
                lines.append(w)
                keys.append(f.key)
            }
            unitCost.append(item?.unitCost ?? 0)
        }
        listClassLines()
        if !ix.linesInKeyOrder { rankByKey() }
        tiers = ix.tiers

        // Commitments: one line-less class each, able to hold units of any bucket of its sku available in its period.
        commitments = skus.flatMap { (ix.commitmentsBySku[$0] ?? []).map { ix.snapshot.commitments[$0] } }
        if !commitments.isEmpty {
            customerOfLine = lines.map { w in ix.order(ofLine: w.lineIndex)?.customerID ?? "" }
        }
        for c in commitments {
            protectedClass.append(classes.count)
            classes.append(LineClass(sku: c.sku, skuSlot: skuSlot[c.sku]!, region: -1, requested: c.periodEnd?.ordinal ?? Int32.max,
                                     allowSubstitute: false))
        }

        // Arcs: the cheapest eligible route of every (class, bucket) pair. A sku's buckets are listed together, so a
        // class looks only at its own sku's buckets and, if it may substitute, at those of its substitutes in the group.
        let bCount = buckets.count
        routeTable = ix.routeTable
        latenessPerUnitDay = policy.cost.latenessPerUnitDay
        // Filled through pointers below, then stored (an element written into `self` checks its array's uniqueness).
        var arcWays = [ArcWay](repeating: ArcWay.none, count: classes.count * bCount)
        var objective = [Double](repeating: .infinity, count: classes.count * bCount)
        let supply = buckets
        var bucketsOfSlot = [Range<Int>](repeating: 0..<0, count: skus.count)
        var start = 0
        for slot in skus.indices {
            var end = start
            while end < bCount && supply[end].skuSlot == slot { end += 1 }
            bucketsOfSlot[slot] = start..<end
            start = end
        }
        // Per sku, its substitutes in the group with their ranks (a sku listed twice keeps its first rank).
        let substitutes: [[(slot: Int, rank: Int)]] = skus.enumerated().map { own, sku in
            var out: [(slot: Int, rank: Int)] = []
            for s in ix.substitutesBySku[sku] ?? [] {
                if let slot = skuSlot[s.substituteSKU], slot != own, !out.contains(where: { $0.slot == slot }) { out.append((slot, max(1, s.rank))) }
            }
            return out
        }
        substituteRanks = Array(repeating: 0, count: skus.count * skus.count)
        for own in skus.indices { for sub in substitutes[own] { substituteRanks[own * skus.count + sub.slot] = sub.rank } }
        let firstProtected = classes.count - commitments.count
        // What the routes read of each bucket, apart: a bucket holds strings, and passing one on retains them.
        let routeOf = supply.map { (w: $0.warehouse, stock: $0.kind == .onHand, day: $0.availableDay) }
        let agingBonus = supply.map { $0.kind == .onHand ? policy.cost.agingBonusPerUnitDay * Double($0.ageDays) : 0 }
        // Per class, the least freight of its arcs (infinite: none).
        var cheapestFreight = [Double](repeating: .infinity, count: classes.count)
        arcWays.withUnsafeMutableBufferPointer { arcWays in
            objective.withUnsafeMutableBufferPointer { objective in
                ix.routeTable.withUnsafeBufferPointer { table in
                    for c in classes.indices {
                        let own = classes[c].skuSlot, region = classes[c].region, requested = classes[c].requested
                        if c >= firstProtected {
                            // Protected units only sit in a bucket; they ship nowhere and cost nothing.
                            for b in bucketsOfSlot[own] where supply[b].availableDay <= requested {
                                arcWays[c * bCount + b] = ArcWay.stay
                                objective[c * bCount + b] = 0
                            }
                            continue
                        }
                        let subs = classes[c].allowSubstitute ? substitutes[own] : []
                        for k in -1..<subs.count {
                            let (slot, rank) = k < 0 ? (own, 0) : subs[k]
                            for b in bucketsOfSlot[slot] {
                                let r = routeOf[b]
                                let range = ix.routeRange(from: r.w, stock: r.stock, to: region)
                                let ways = UnsafeBufferPointer(rebasing: table[range])
                                let chosen = if let memo, region >= 0 {
                                    memo.way(ix.routeKey(from: r.w, stock: r.stock, to: region), ways: ways,
                                             availableDay: r.day, requested: requested, policy: policy)
                                } else {
                                    Routing.chooseWay(ways, availableDay: r.day, requested: requested, policy: policy)
                                }
                                guard let chosen else { continue }
                                let i = c * bCount + b
                                arcWays[i] = ArcWay(way: Int32(range.lowerBound + chosen.way), daysLate: Int32(chosen.late))
                                let way = ways[chosen.way]
                                if way.unitFreight < cheapestFreight[c] { cheapestFreight[c] = way.unitFreight }
                                var obj = Routing.unitCost(way, late: chosen.late, latenessPerUnitDay: latenessPerUnitDay)
                                    - agingBonus[b]
                                if rank > 0 { obj += GroupProblem.substitutionPenalty * Double(rank) }
                                objective[i] = obj
                            }
                        }
                    }
                }
            }
        }
        self.arcWays = arcWays
        self.objective = objective
        // Margin after the cheapest freight (the same for every line of a class, kept as its arcs were chosen), for
        // `within_class = "margin"` and LOW_MARGIN.
        for i in lines.indices where lines[i].cls >= 0 {
            guard let price = lines[i].unitPrice else { continue }
            let freight = cheapestFreight[lines[i].cls]
            if freight.isFinite { lines[i].marginPerUnit = price - unitCost[Int(lines[i].skuSlot)] - freight }
        }
    }

    /// The lines of class `c`, in line order (none for a class of protected units).
    @inline(__always) func lines(of c: Int) -> ArraySlice<Int> {
        c + 1 < classLineStart.count ? classLines[classLineStart[c]..<classLineStart[c + 1]] : []
    }

    /// Fills `classLines` and `classLineStart` from the lines' classes (a counting sort: each class's lines stay in
    /// line order). Classes added later (protected units) have no lines.
    private mutating func listClassLines() {
        let lines = lines
        (classLines, classLineStart) = groupedPositions(count: lines.count, groups: classes.count) { lines[$0].cls }
    }

    /// Ranks the lines by key when the snapshot does not list lines in key order (a patched index, a snapshot built
    /// in another order): first come, first served then breaks ties exactly as by order id and line number.
    private mutating func rankByKey() {
        let keys = keys
        let order = lines.indices.sorted { keys[$0] < keys[$1] }
        for (r, l) in order.enumerated() { lines[l].keyRank = r }
    }

    /// For an arc of a substitute, the substitute's rank (0: the class's own sku, or no arc).
    func substituteRank(_ c: Int, _ b: Int) -> Int {
        guard hasArc(c, b) else { return 0 }
        return substituteRanks[classes[c].skuSlot * skus.count + buckets[b].skuSlot]
    }

    /// Whether bucket `b` can serve class `c`.
    @inline(__always) func hasArc(_ c: Int, _ b: Int) -> Bool { arcWays[c * bucketCount + b].way != ArcWay.none.way }

    /// The route by which bucket `b` serves class `c`, or nil when it cannot: its way, moved to the bucket's first day,
    /// with its lateness and cost (units withheld for a commitment stay where they are, at no cost).
    func arc(_ c: Int, _ b: Int) -> ArcRoute? {
        let a = arcWays[c * bucketCount + b]
        let day = buckets[b].availableDay
        if a.way == ArcWay.stay.way {
            let stay = RouteCandidate(shipWarehouse: buckets[b].warehouse, transferFrom: -1, shipDay: day, arrivalDay: day,
                                      unitFreight: 0, mode: .ground, groundArrival: day)
            return ArcRoute(route: stay, daysLate: 0, unitCost: 0)
        }
        guard a.way >= 0 else { return nil }
        return Routing.arc(routeTable[Int(a.way)], availableDay: day, late: Int(a.daysLate), latenessPerUnitDay: latenessPerUnitDay)
    }

    /// The sku, the customer's tier name and the item's unit cost (0 when unknown) of line `l`.
    func sku(of l: Int) -> SKU { skus[Int(lines[l].skuSlot)] }
    func tierName(of l: Int) -> String { tiers[Int(lines[l].tier)] }
    func unitCost(of l: Int) -> Double { unitCost[Int(lines[l].skuSlot)] }
}

extension Array {
    /// Makes room for `more` elements beyond the current ones, growing at least geometrically: a group appends each of
    /// its skus' lines and supplies in turn, and reserving the exact sum each time would copy the whole array per sku.
    @inline(__always) mutating func reserveRoom(for more: Int) {
        let needed = count + more
        if needed > capacity { reserveCapacity(Swift.max(needed, 2 * capacity)) }
    }
}

/// Positions `0..<count` grouped by `group(position)` (a counting sort; a position whose group is not in `0..<groups`
/// is left out): every group's positions, group after group, each group's in position order, and where each group
/// starts in that list (`start[groups]`: its length).
func groupedPositions(count: Int, groups: Int, _ group: (Int) -> Int) -> (list: [Int], start: [Int]) {
    var start = [Int](repeating: 0, count: groups + 1)
    for i in 0..<count { let g = group(i); if g >= 0 && g < groups { start[g + 1] += 1 } }
    for g in 0..<groups { start[g + 1] += start[g] }
    var next = start
    var list = [Int](repeating: 0, count: start[groups])
    for i in 0..<count { let g = group(i); if g >= 0 && g < groups { list[next[g]] = i; next[g] += 1 } }
    return (list, start)
}

/// The classes of one sku by key (`GroupProblem.init`): an open-addressing table of keys and class numbers (never
/// negative; -1 marks an empty slot), cleared for each sku by resetting only the slots it used.
struct ClassKeyTable {
    private var keys: [Int] = []
    private var values: [Int] = []
    private var used: [Int] = []
    private var mask = 0

    /// Empties the table, with room for `room` keys.
    mutating func start(room: Int) {
        for k in used { values[k] = -1 }
        used.removeAll(keepingCapacity: true)
        var size = 16
        while size < 2 * room { size <<= 1 }
        if size > keys.count {
            keys = [Int](repeating: 0, count: size)
            values = [Int](repeating: -1, count: size)
            mask = size - 1
        }
    }

    /// The value stored for `key`, or else `value` (not negative), stored for it.
    mutating func find(_ key: Int, orAdd value: Int) -> Int {
        var slot = Int(truncatingIfNeeded: (UInt64(bitPattern: Int64(key)) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while true {
            let v = values[slot]
            if v < 0 {
                keys[slot] = key; values[slot] = value; used.append(slot)
                return value
            }
            if keys[slot] == key { return v }
            slot = (slot + 1) & mask
        }
    }
}
