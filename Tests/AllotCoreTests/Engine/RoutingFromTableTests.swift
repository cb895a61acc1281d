import Testing
@testable import AllotCore

/// The ship-complete pass weighs each supply's ways per ship warehouse straight from the index's tables (`Routing.arc`
/// with `shippingFrom`), where it used to build every way moved to the supply's day and filter them: both must pick
/// the same route.
@Suite("Routes read from the index's tables")
struct RoutingFromTableTests {
    @Test("arc by ship warehouse picks what choosing among the built ways from that warehouse picks")
    func arcByShipWarehouse() throws {
        let params = ScenarioGenerator.Parameters(orderLines: 600, skus: 30, warehouses: 5, seed: 3)
        let index = PlanningIndex(ScenarioGenerator(params).generate())
        let policy = try Policy(toml: ScenarioGenerator.policyTOML, file: "policy.toml")
        var buckets: [SupplyBucket] = []
        for (slot, item) in index.snapshot.items.prefix(12).enumerated() {
            index.appendSupplies(of: item.sku, slot: slot, policy: policy, asOf: params.today, to: &buckets)
        }
        var compared = 0, several = 0
        for bucket in buckets {
            for region in 0..<index.regionCount {
                let ways = Routing.candidates(bucket: bucket, region: region, index: index)
                var ships: [Int] = []
                for c in ways where !ships.contains(c.shipWarehouse) { ships.append(c.shipWarehouse) }
                if ships.count > 1 { several += 1 }
                for w in ships {
                    for due in (params.today.ordinal - 2)...(params.today.ordinal + 40) {
                        let built = Routing.choose(ways.filter { $0.shipWarehouse == w }, requested: due, policy: policy)
                        let read = Routing.arc(bucket: bucket, region: region, requested: due, shippingFrom: w, index: index, policy: policy)
                        #expect(describe(read) == describe(built), "bucket at \(bucket.warehouse), region \(region), ship \(w), due \(due)")
                        compared += 1
                    }
                }
            }
        }
        #expect(compared > 1_000)
        #expect(several > 0, "some supplies can ship from another site by a transfer")
    }

    @Test("the plan's table of choices picks what weighing the ways picks, for every table, supply day and due date",
          arguments: [14, 0, 3, 200])
    func memoMatchesWeighing(maxLateDays: Int) throws {
        let params = ScenarioGenerator.Parameters(orderLines: 600, skus: 30, warehouses: 6, seed: 5)
        let index = PlanningIndex(ScenarioGenerator(params).generate())
        var policy = try Policy(toml: ScenarioGenerator.policyTOML, file: "policy.toml")
        policy.cost.maxLateDays = maxLateDays
        let memo = ArcMemo(index: index, policy: policy)
        var compared = 0, routed = 0
        for w in 0..<index.snapshot.warehouses.count {
            for region in 0..<index.regionCount {
                for stock in [true, false] {
                    let range = index.routeRange(from: w, stock: stock, to: region)
                    index.routeTable.withUnsafeBufferPointer { table in
                        let ways = UnsafeBufferPointer(rebasing: table[range])
                        for day in [params.today.ordinal, params.today.ordinal + 9] {
                            for due in (day - 30)...(day + 300) {
                                let weighed = Routing.arc(ways, availableDay: day, requested: due, policy: policy)
                                let read = memo.way(index.routeKey(from: w, stock: stock, to: region), ways: ways, availableDay: day,
                                                    requested: due, policy: policy)
                                let direct = Routing.chooseWay(ways, availableDay: day, requested: due, policy: policy)
                                let at = "from \(w) \(stock ? "stock" : "receipt") to \(region), day \(day), due \(due)"
                                #expect(describe(ways, read, day, policy) == describe(weighed), "\(at)")
                                #expect(describe(ways, direct, day, policy) == describe(weighed), "\(at), weighed in place")
                                compared += 1
                                if weighed != nil { routed += 1 }
                            }
                        }
                    }
                }
            }
        }
        #expect(compared > 10_000 && routed > 1_000)
    }

    private func describe(_ ways: UnsafeBufferPointer<RouteCandidate>, _ chosen: (way: Int, late: Int)?, _ day: Int32,
                          _ policy: Policy) -> String {
        describe(chosen.map { Routing.arc(ways[$0.way], availableDay: day, late: $0.late, latenessPerUnitDay: policy.cost.latenessPerUnitDay) })
    }

    private func describe(_ a: ArcRoute?) -> String {
        guard let a else { return "none" }
        let r = a.route
        return "\(r.shipWarehouse) \(r.transferFrom) \(r.shipDay) \(r.arrivalDay) \(r.unitFreight) \(r.mode) \(r.groundArrival) \(a.daysLate) \(a.unitCost)"
    }
}
