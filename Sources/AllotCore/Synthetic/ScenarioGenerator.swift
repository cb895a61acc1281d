/// Builds synthetic distribution scenarios for scale tests: deterministic for a seed, shaped like real data.
///
/// The mix follows what planners see: customers of every tier (a few strategic accounts, a long tail of C),
/// regional warehouses with ground lanes to their own and nearby regions, expedite lanes from some sites,
/// regions without a warehouse, transfers between sites, popular skus and a long tail, inbound purchase orders
/// and transfers, skus whose demand exceeds supply, substitutes within a family, contract commitments, tier
/// quotas on constrained families, and a few held orders and customers on credit hold.
public struct ScenarioGenerator: Sendable {
    public struct Parameters: Sendable, Hashable {
        /// Order lines to generate (grouped into orders of 1–7 lines, about four on average).
        public var orderLines: Int
        public var skus: Int
        public var warehouses: Int
        public var seed: UInt64
        /// The day the scenario is seen on: orders were placed before it and are requested after it.
        public var today: Day
        public init(orderLines: Int, skus: Int, warehouses: Int, seed: UInt64, today: Day = Day(year: 2026, month: 11, day: 29)) {
            self.orderLines = orderLines; self.skus = skus; self.warehouses = warehouses; self.seed = seed; self.today = today
        }
    }

    public let parameters: Parameters

    public init(_ parameters: Parameters) {
        precondition(parameters.skus >= 1 && parameters.warehouses >= 1 && parameters.orderLines >= 0)
        self.parameters = parameters
    }

    /// The policy text written with every generated scenario.
    public static let policyTOML = """
        # Policy of a synthetic scenario (allot generate).
        version = "synthetic-1"
        [priority]
        tier_order = ["strategic", "A", "B", "C"]
        critical_items_first = true
        within_class = "fcfs"
        [cost]
        lateness_per_unit_day = 0.50
        split_penalty = 25.0
        max_late_days = 14
        """

    /// The whole scenario as a snapshot (the same values for the same parameters, on every machine).
    public func generate() -> Snapshot {
        var rng = SeededRandom(seed: parameters.seed)
        var s = Snapshot()
        let today = parameters.today
        let w = parameters.warehouses

        // Network: one region per warehouse, plus two regions no warehouse sits in.
        let regions = (1...(w + 2)).map { "R" + Self.pad($0, 2) }
        s.warehouses = (1...w).map { i in
            Warehouse(id: "W" + Self.pad(i, 2), name: "Warehouse \(i)", region: regions[i - 1],
                      handlingDays: rng.chance(0.8) ? 1 : 2, dailyLineCapacity: rng.chance(0.5) ? rng.int(200...2_000) * 10 : nil)
        }
        for (i, wh) in s.warehouses.enumerated() {
            for (j, region) in regions.enumerated() {
                let distance = j < w ? min(abs(i - j), w - abs(i - j)) : 1 + (i + j) % 3
                // Every site serves its own region and its neighbours; farther regions only sometimes.
                guard distance <= 1 || rng.chance(0.5) || (j >= w && i % 2 == 0) else { continue }
                let transit = distance == 0 ? 1 : min(7, 1 + distance + rng.int(0...1))
                // In whole cents: a product like 0.63 * 3 is 1.8900000000000001 in binary.
                s.lanes.append(Lane(from: wh.id, toRegion: region, transitDays: transit,
                                    costPerUnit: SeededRandom.cents(rng.money(0.6...1.2) * Double(1 + distance))))
                if distance >= 1 && rng.chance(0.3) {
                    s.lanes.append(Lane(from: wh.id, toRegion: region, transitDays: max(1, transit / 2),
                                        costPerUnit: rng.money(4...9), mode: .expedite))
                }
            }
        }
        for a in s.warehouses {
            for b in s.warehouses where a.id != b.id && (w <= 4 || rng.chance(4.0 / Double(w))) {
                s.transfers.append(Transfer(from: a.id, to: b.id, leadDays: rng.int(2...5), costPerUnit: rng.money(0.4...1.2)))
            }
        }

        // Catalogue: families of about twenty skus; a few critical items.
        let families = max(1, parameters.skus / 20)
        s.items = (1...parameters.skus).map { i in
            let cost = rng.money(2...400)
            return Item(sku: "SKU-" + Self.pad(i, 6), description: "Item \(i)", family: "F" + Self.pad((i - 1) % families + 1, 4),
                        unitCost: cost, unitPrice: SeededRandom.cents(cost * (1.15 + rng.unit() * 0.6)),
                        critical: rng.chance(0.05))
        }

        // Customers: tiers from a handful of strategic accounts to a long tail; a few on credit hold.
        let customerCount = max(20, parameters.orderLines / 40)
        s.customers = (1...customerCount).map { i in
            let r = rng.unit()
            let tier = r < 0.03 ? "strategic" : r < 0.2 ? "A" : r < 0.6 ? "B" : "C"
            return Customer(id: "C-" + Self.pad(i, 6), name: "Customer \(i)", tier: tier,
                            region: regions[rng.int(0...(regions.count - 1))],
                            creditStatus: rng.chance(0.01) ? .hold : .ok,
                            creditLimit: rng.money(10_000...2_000_000),
                            serviceTarget: tier == "strategic" ? 0.98 : tier == "A" ? 0.95 : nil)
        }

        // Orders and lines: popular skus get most of the demand.
        var demand = [Int](repeating: 0, count: parameters.skus)
        s.lines.reserveCapacity(parameters.orderLines)
        s.orders.reserveCapacity(parameters.orderLines / 3)
        var made = 0, n = 0
        while made < parameters.orderLines {
            n += 1
            let id = "SO-" + Self.pad(n, 7)
            let customer = s.customers[rng.int(0...(customerCount - 1))]
            let placed = today - rng.int(0...20)
            let r = rng.unit()
            s.orders.append(Order(id: id, customerID: customer.id, orderDate: placed,
                                  requestedDate: Swift.max(today + 1, placed + rng.int(2...21)),
                                  shipToRegion: rng.chance(0.05) ? regions[rng.int(0...(regions.count - 1))] : nil,
                                  shipComplete: rng.chance(0.1),
                                  status: r < 0.01 ? .held : r < 0.015 ? .cancelled : .open,
                                  holdReason: r < 0.01 ? (rng.chance(0.5) ? "pricing review" : "customer asked to wait") : nil))
            let count = Swift.min(parameters.orderLines - made, 1 + rng.int(0...3) + rng.int(0...3))
            var used = Set<Int>()
            for lineNo in 1...count {
                var k = rng.skewed(parameters.skus)
                while used.contains(k) && used.count < parameters.skus { k = (k + 1) % parameters.skus }
                used.insert(k)
                let qty = rng.chance(0.8) ? rng.int(1...12) : rng.int(13...200)
                demand[k] += qty
                let price = s.items[k].unitPrice.map { SeededRandom.cents($0 * (0.9 + rng.unit() * 0.1)) }
                s.lines.append(OrderLine(orderID: id, lineNo: lineNo, sku: s.items[k].sku, qty: qty, unitPrice: price,
                                         allowPartial: rng.chance(0.85), allowSubstitute: rng.chance(0.2)))
            }
            made += count
        }

        // Supply: each sku stocked at some sites; one sku in eight is short (supply covers 40–80% of demand).
        for (k, item) in s.items.enumerated() {
            let short = rng.chance(0.125)
            let cover = short ? 0.4 + rng.unit() * 0.4 : 1.0 + rng.unit() * 0.6
            let total = Int(Double(Swift.max(demand[k], 5)) * cover)
            let stocked = s.warehouses.indices.filter { _ in rng.chance(0.7) }
            let sites = stocked.isEmpty ? [rng.int(0...(w - 1))] : stocked
            let onHandShare = short ? 0.7 : 0.85
            for i in sites {
                let units = Swift.max(0, Int(Double(total) * onHandShare / Double(sites.count)) + rng.int(-2...2))
                s.inventory.append(InventoryPosition(
                    warehouseID: s.warehouses[i].id, sku: item.sku, onHand: units,
                    reserved: rng.chance(0.1) ? Swift.min(units, rng.int(1...10)) : 0,
                    safetyStock: rng.chance(0.3) ? rng.int(1...20) : 0,
                    asOf: Timestamp(seconds: today.unixSeconds - Double(rng.int(1...(rng.chance(0.05) ? 120 : 12)) * 3600)),
                    oldestReceiptDate: today - rng.int(5...180)))
            }
            let inbound = total - Int(Double(total) * onHandShare)
            if inbound > 0 && rng.chance(0.6) {
                let site = s.warehouses[sites[rng.int(0...(sites.count - 1))]].id
                s.receipts.append(Receipt(id: "PO-" + Self.pad(s.receipts.count + 1, 7), warehouseID: site, sku: item.sku,
                                          qty: inbound, eta: today + rng.int(2...20)))
                if w > 1 && rng.chance(0.15) {
                    let to = s.warehouses[rng.int(0...(w - 1))].id
                    s.receipts.append(Receipt(id: "TR-" + Self.pad(s.receipts.count + 1, 7), warehouseID: to, sku: item.sku,
                                              qty: Swift.max(1, inbound / 4), eta: today + rng.int(1...6), kind: .transfer))
                }
            }
        }

        // Substitutes within a family, contract commitments for strategic accounts, quotas on short families.
        for k in s.items.indices where rng.chance(0.1) {
            // Family f holds the skus at indexes f, f + families, f + 2·families, …
            let members = (parameters.skus - 1 - k % families) / families + 1
            guard members > 1 else { continue }
            var picked = Set<Int>()
            for _ in 0..<rng.int(1...2) {
                let c = (k % families) + families * rng.int(0...(members - 1))
                guard c != k, picked.insert(c).inserted else { continue }
                s.substitutes.append(Substitute(sku: s.items[k].sku, substituteSKU: s.items[c].sku, rank: picked.count))
            }
        }
        let strategic = s.customers.filter { $0.tier == "strategic" }
        var committed = Set<String>()
        for c in strategic.prefix(20) {
            let k = rng.skewed(parameters.skus)
            guard committed.insert(c.id + "|" + s.items[k].sku).inserted else { continue }
            s.commitments.append(Commitment(customerID: c.id, sku: s.items[k].sku, qty: Swift.max(1, demand[k] / 20),
                                            periodStart: today - 6, periodEnd: today + 21))
        }
        for f in 1...Swift.min(families, 3) {
            let family = "F" + Self.pad(f, 4)
            s.quotas.append(Quota(skuOrFamily: family, tier: "C", maxQty: Swift.max(10, parameters.orderLines / 200),
                                  periodStart: today - 6, periodEnd: today + 21))
        }
        s.users = [User(name: "planner1", role: .planner), User(name: "planner2", role: .planner),
                   User(name: "cs1", role: .customerService), User(name: "super1", role: .supervisor),
                   User(name: "finance1", role: .finance), User(name: "admin", role: .admin)]
        return s
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
