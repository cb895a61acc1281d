import Testing
@testable import AllotCore

@Suite("The synthetic scenario generator")
struct ScenarioGeneratorTests {
    let params = ScenarioGenerator.Parameters(orderLines: 5_000, skus: 300, warehouses: 6, seed: 7)

    @Test("the same parameters and seed give the same scenario; another seed gives another")
    func deterministic() {
        let a = ScenarioGenerator(params).generate(), b = ScenarioGenerator(params).generate()
        #expect(a.lines == b.lines && a.orders == b.orders && a.inventory == b.inventory && a.lanes == b.lanes)
        var other = params
        other.seed = 8
        #expect(ScenarioGenerator(other).generate().lines != a.lines)
    }

    @Test("it makes exactly the order lines asked for, with keys unique")
    func sizes() {
        let s = ScenarioGenerator(params).generate()
        #expect(s.lines.count == 5_000)
        #expect(s.items.count == 300 && s.warehouses.count == 6)
        #expect(Set(s.lines.map(\.key)).count == s.lines.count)
        #expect(Set(s.orders.map(\.id)).count == s.orders.count)
        #expect(Set(s.inventory.map { "\($0.warehouseID)|\($0.sku)" }).count == s.inventory.count)
        #expect(Set(s.lanes.map { "\($0.from)|\($0.toRegion)|\($0.mode)" }).count == s.lanes.count)
        #expect(Set(s.substitutes.map { "\($0.sku)|\($0.substituteSKU)" }).count == s.substitutes.count)
    }

    @Test("every reference resolves and every order's region is reachable by some lane")
    func consistent() {
        let s = ScenarioGenerator(params).generate()
        let skus = Set(s.items.map(\.sku)), customers = Dictionary(uniqueKeysWithValues: s.customers.map { ($0.id, $0) })
        let orders = Set(s.orders.map(\.id)), reached = Set(s.lanes.map(\.toRegion))
        #expect(s.lines.allSatisfy { skus.contains($0.sku) && orders.contains($0.orderID) && $0.qty > 0 })
        #expect(s.orders.allSatisfy { o in customers[o.customerID].map { reached.contains(o.shipToRegion ?? $0.region ?? "") } == true })
        #expect(s.inventory.allSatisfy { skus.contains($0.sku) && $0.onHand >= 0 && $0.reserved <= $0.onHand })
        #expect(s.substitutes.allSatisfy { skus.contains($0.sku) && skus.contains($0.substituteSKU) && $0.sku != $0.substituteSKU })
    }

    @Test("the mix is realistic: every tier, expedite lanes, transfers, receipts, shortages, substitutes, holds")
    func realisticMix() {
        let s = ScenarioGenerator(params).generate()
        #expect(Set(s.customers.map(\.tier)) == ["strategic", "A", "B", "C"])
        #expect(s.lanes.contains { $0.mode == .expedite })
        #expect(!s.transfers.isEmpty)
        #expect(s.receipts.contains { $0.kind == .po } && s.receipts.contains { $0.kind == .transfer })
        #expect(!s.substitutes.isEmpty && !s.commitments.isEmpty && !s.quotas.isEmpty)
        #expect(s.orders.contains { $0.status == .held } && s.orders.contains { $0.status == .cancelled })
        #expect(s.items.contains { $0.critical })
        // Shortages: some skus' demand exceeds what is on hand and inbound.
        var demand: [String: Int] = [:], supply: [String: Int] = [:]
        for l in s.lines { demand[l.sku, default: 0] += l.qty }
        for p in s.inventory { supply[p.sku, default: 0] += p.onHand }
        for r in s.receipts where r.kind == .po { supply[r.sku, default: 0] += r.qty }
        let short = demand.filter { $0.value > supply[$0.key, default: 0] }.count
        #expect(short > 0 && short < demand.count / 2)
        // Popular skus: the top tenth of skus carries a large share of lines.
        let perSKU = Dictionary(grouping: s.lines, by: \.sku).mapValues(\.count).values.sorted(by: >)
        #expect(perSKU.prefix(30).reduce(0, +) > s.lines.count / 4)
    }
}
