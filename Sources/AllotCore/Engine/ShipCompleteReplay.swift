/// A ship-complete order the solver left spread over several warehouses, which the ship-complete pass re-sources:
/// when it comes in the pass (its priority key), and the skus whose free units it reads and takes.
struct SpreadOrder: Hashable, Sendable {
    var passKey: PassKey
    var skus: [SKU]

    var orderID: OrderID { passKey.orderID }

    /// The order as the pass sees it from its lines' solver recommendations, or nil when the pass does not re-source it.
    init?(_ lines: [LineRecommendation], order: Order) {
        guard order.shipComplete else { return nil }
        let (sites, anyShort) = ShipComplete.spread(lines, lines.indices)
        guard sites.count > 1 && !anyShort else { return nil }
        self.init(key: ShipComplete.priorityKey(lines, lines.indices, order: order), skus: lines.map(\.sku))
    }

    /// The order with its place in the pass and the skus of its lines (in any order, repeated or not).
    init(key: PassKey, skus: [SKU]) {
        passKey = key
        var sorted = skus.sorted()
        var k = 0
        for sku in sorted where k == 0 || sorted[k - 1] != sku { sorted[k] = sku; k += 1 }
        self.skus = Array(sorted[..<k])
    }
}

/// A spread order's place in the ship-complete pass: priority class, requested date, order date, order id.
struct PassKey: Hashable, Comparable, Sendable {
    var priorityClass: Int
    var requested: Int32
    var ordered: Int32
    var orderID: OrderID

    static func < (a: PassKey, b: PassKey) -> Bool {
        (a.priorityClass, a.requested, a.ordered, a.orderID) < (b.priorityClass, b.requested, b.ordered, b.orderID)
    }
}

/// The spread orders of a plan: by order, and per sku those that read it, in the pass's order. What lets a re-plan
/// redo the pass for the few orders a change reaches without walking (or sorting) all of them.
struct SpreadOrders: Sendable {
    private(set) var byOrder: [OrderID: SpreadOrder] = [:]
    /// Per sku, the places in the pass of the spread orders that read it, in the pass's order.
    private(set) var bySku: [SKU: [PassKey]] = [:]

    /// From spread orders in the pass's order.
    init(inPassOrder orders: [SpreadOrder]) {
        byOrder.reserveCapacity(orders.count)
        for s in orders {
            byOrder[s.orderID] = s
            for sku in s.skus { bySku[sku, default: []].append(s.passKey) }
        }
    }

    subscript(_ id: OrderID) -> SpreadOrder? { byOrder[id] }

    /// Every spread order, in the pass's order.
    var inPassOrder: [SpreadOrder] { byOrder.values.sorted { $0.passKey < $1.passKey } }

    /// The places of the spread orders that read `sku`, in the pass's order.
    func reading(_ sku: SKU) -> [PassKey] { bySku[sku] ?? [] }

    /// Puts `s` in place of order `id`'s entry (nil: the order leaves the pass).
    mutating func replace(_ id: OrderID, with s: SpreadOrder?) {
        if let old = byOrder.removeValue(forKey: id) {
            let key = old.passKey
            for sku in old.skus {
                bySku[sku]?.removeAll { $0 == key }
                if bySku[sku]?.isEmpty == true { bySku[sku] = nil }
            }
        }
        guard let s else { return }
        byOrder[id] = s
        let key = s.passKey
        for sku in s.skus {
            var list = bySku.removeValue(forKey: sku) ?? []
            list.insert(key, at: Self.firstAbove(key, in: list))
            bySku[sku] = list
        }
    }

    /// The position of the first key above `key` in `list` (in the pass's order).
    static func firstAbove(_ key: PassKey, in list: [PassKey]) -> Int {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if key < list[mid] { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

/// The ship-complete pass redone for an incremental re-plan, order by order in the pass's own order, for the orders
/// whose outcome can differ from the previous plan's: those with lines in the re-solved groups, and the spread orders
/// after them that read free units of a sku whose state an earlier order changed (it was re-solved, or an order
/// before took or left different units of it). Every other spread order keeps its outcome, and what it did to the
/// free units is replayed from the previous plan (the solver's allocations released, the pass's taken) when a later
/// re-sourced order needs that sku, so each re-sourced order finds exactly the units a full pass would leave it.
struct ShipCompleteReplay {
    /// What the replay gives: the new lines (after the pass) of every order it redid, the solver's recommendations of the
    /// lines it changed, and the spread orders of the new plan.
    struct Result {
        var lines: [OrderID: [LineRecommendation]]
        var passSolver: [LineKey: LineRecommendation]
        var spread: SpreadOrders
    }

    /// Redoes the pass for `affected` orders (each with its lines as the solver now sees them; no lines when it has
    /// none left), against `plan` as it was, where the free units of `freeChanged` skus differ from the start. `spread`:
    /// the plan's spread orders, when it has them apart (taken out of it, so that updating them copies nothing).
    static func run(plan: Plan, spread: SpreadOrders?, affected: [OrderID: [LineRecommendation]], freeChanged: Set<SKU>,
                    index: PlanningIndex, policy: Policy, asOf: Day) -> Result {
        var replay = ShipCompleteReplay(plan: plan, spread: spread, index: index, policy: policy, asOf: asOf)
        replay.run(affected: affected, dirty: freeChanged)
        return Result(lines: replay.lines, passSolver: replay.passSolver, spread: replay.spread)
    }

    private let plan: Plan
    private let index: PlanningIndex
    private let policy: Policy
    private var spread: SpreadOrders
    private var lines: [OrderID: [LineRecommendation]] = [:]
    private var passSolver: [LineKey: LineRecommendation] = [:]
    private var ledger: SupplyLedger
    /// The positions of the orders' lines in the plan as it was, as looked up (a search of the plan's million keys).
    private var ranges: [OrderID: Range<Int>] = [:]
    /// Per sku whose free units the replay follows, the place in the pass up to which every order's doings with it are
    /// in the ledger (the replay catches a sku up only when a re-sourced order is about to read it).
    private var caughtUp: [SKU: PassKey] = [:]

    private init(plan: Plan, spread: SpreadOrders?, index: PlanningIndex, policy: Policy, asOf: Day) {
        self.plan = plan; self.index = index; self.policy = policy
        self.spread = spread ?? SpreadOrders(inPassOrder: plan.solverRecord.passOrders ?? Self.spreadOrders(plan, index: index))
        ledger = SupplyLedger(index: index, policy: policy, asOf: asOf, free: plan.solverRecord.free,
                              supplies: plan.recordedSupplies(asOf: asOf))
    }

    /// `dirty`: skus whose free units differ, at the place in the pass reached, from what the previous pass found.
    ///
    /// An order is redone when its lines changed or when it reads a sku that an order before it (or the re-solve)
    /// made dirty. Only those orders are visited, in the pass's order (a queue fed, as skus turn dirty, with the
    /// orders after that read them); the other orders' doings are replayed per sku, just before an order redone reads it.
    private mutating func run(affected: [OrderID: [LineRecommendation]], dirty: Set<SKU>) {
        var dirty = dirty
        var queue = PassQueue()
        for (o, var mine) in affected {
            let old = range(of: o)
            // An order the solver recommends exactly as before is like any other: redone only if it finds changed units.
            if old.count == mine.count && zip(old, mine).allSatisfy({ Engine.solverView($0, plan) == $1 }) { continue }
            let before = spread[o]
            var after: SpreadOrder?
            if !mine.isEmpty, let order = index.order(o) {
                after = SpreadOrder(mine, order: order)
                _ = ShipComplete.review(&mine, mine.indices, solver: &passSolver, index: index, policy: policy)
            }
            if before != after { spread.replace(o, with: after) }
            if let after { queue.push(after.passKey) }
            // One that leaves the pass or moves in it changed the units every order after its old place found.
            if let before, before != after { dirty.formUnion(before.skus); dirty.formUnion(after?.skus ?? []) }
            lines[o] = mine
        }
        for sku in dirty { for key in spread.reading(sku) { queue.push(key) } }
        while let key = queue.pop() {
            guard let s = spread[key.orderID] else { continue }
            for sku in s.skus { catchUp(sku, before: key) }
            var mine = lines[s.orderID] ?? range(of: s.orderID).map { Engine.solverView($0, plan) }
            let solved = mine
            ShipComplete.resource(&mine, mine.indices, ledger: &ledger, solver: &passSolver, index: index, policy: policy)
            for sku in movedDifferently(s.orderID, solved: solved, passed: mine) where dirty.insert(sku).inserted {
                let later = spread.reading(sku)
                for k in later[SpreadOrders.firstAbove(key, in: later)...] { queue.push(k) }
            }
            for sku in s.skus { caughtUp[sku] = key }
            lines[s.orderID] = mine
        }
    }

    /// The positions of order `id`'s lines in the plan as it was.
    private mutating func range(of id: OrderID) -> Range<Int> {
        if let r = ranges[id] { return r }
        let r = Engine.orderRange(id, in: plan.lines)
        ranges[id] = r
        return r
    }

    /// Replays, for `sku`, the doings of the orders before `key` in the pass not replayed yet: none of them is redone
    /// (an order redone catches its skus up to itself), so each did what the previous pass has it do.
    private mutating func catchUp(_ sku: SKU, before key: PassKey) {
        let list = spread.reading(sku)
        var k = caughtUp[sku].map { SpreadOrders.firstAbove($0, in: list) } ?? 0
        while k < list.count && list[k] < key { replayOld(list[k].orderID, sku); k += 1 }
    }

    /// The skus of an order's lines whose units move differently than in the previous pass: a line of the sku now
    /// released from other supplies, or taking others, than before (or a line that came or went).
    private mutating func movedDifferently(_ o: OrderID, solved: [LineRecommendation], passed: [LineRecommendation]) -> Set<SKU> {
        var out = Set<SKU>()
        var before: [Int: (sku: SKU, solved: [Allocation], passed: [Allocation])] = [:]
        for k in range(of: o) {
            before[plan.lines[k].lineNo] = (plan.lines[k].sku, Engine.solverView(k, plan).allocations, plan.lines[k].allocations)
        }
        for (s, r) in zip(solved, passed) {
            let b = before.removeValue(forKey: r.lineNo)
            if let b, b.sku == r.sku, b.solved == s.allocations, b.passed == r.allocations { continue }
            out.insert(r.sku)
            if let b { out.insert(b.sku) }
        }
        for b in before.values { out.insert(b.sku) }
        return out
    }

    /// Replays what a spread order that stays as it was did to `sku`'s free units: its lines of the sku leave the
    /// supplies the solver gave them and take the ones the pass gave them.
    private mutating func replayOld(_ id: OrderID, _ sku: SKU) {
        let positions = range(of: id)
        for k in positions where plan.lines[k].sku == sku { ledger.release(Engine.solverView(k, plan).allocations, sku: sku) }
        for k in positions where plan.lines[k].sku == sku { ledger.take(plan.lines[k].allocations, sku: sku) }
    }

    /// The spread ship-complete orders of a whole plan, from every line's solver recommendation, in the pass's order (for
    /// a plan without the list the ship-complete pass keeps).
    static func spreadOrders(_ plan: Plan, index: PlanningIndex) -> [SpreadOrder] {
        var out: [SpreadOrder] = []
        var i = 0
        while i < plan.lines.count {
            var j = i + 1
            while j < plan.lines.count && plan.lines[j].orderID == plan.lines[i].orderID { j += 1 }
            defer { i = j }
            guard let order = index.order(plan.lines[i].orderID), order.shipComplete else { continue }
            if let s = SpreadOrder((i..<j).map { Engine.solverView($0, plan) }, order: order) { out.append(s) }
        }
        return out.sorted { $0.passKey < $1.passKey }
    }
}

/// The places in the pass still to visit, least first (a binary heap; a place is queued once).
private struct PassQueue {
    private var heap: [PassKey] = []
    private var queued = Set<OrderID>()

    mutating func push(_ key: PassKey) {
        guard queued.insert(key.orderID).inserted else { return }
        heap.append(key)
        var k = heap.count - 1
        while k > 0 {
            let parent = (k - 1) / 2
            guard heap[k] < heap[parent] else { break }
            heap.swapAt(k, parent); k = parent
        }
    }

    mutating func pop() -> PassKey? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var k = 0
            while true {
                let l = 2 * k + 1, r = l + 1
                var least = k
                if l < heap.count && heap[l] < heap[least] { least = l }
                if r < heap.count && heap[r] < heap[least] { least = r }
                if least == k { break }
                heap.swapAt(k, least); k = least
            }
        }
        return top
    }
}
