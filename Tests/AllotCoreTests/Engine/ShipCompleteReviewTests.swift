import Testing
@testable import AllotCore

/// The ship-complete pass reviews orders on every core, each worker taking a run of whole orders: the result must be
/// the one review made order after order.
@Suite("Ship-complete review on every core")
struct ShipCompleteReviewTests {
    @Test("runs of whole orders give the lines, flags and candidates of one run", arguments: [2, 7, 32, 5_000])
    func parallelMatchesSerial(workers: Int) throws {
        var s = ScenarioGenerator(.init(orderLines: 4_000, skus: 60, warehouses: 4, seed: 11)).generate()
        // Every order ships complete, so that many are spread or short.
        for i in s.orders.indices { s.orders[i].shipComplete = true }
        let policy = try Policy(toml: ScenarioGenerator.policyTOML, file: "policy.toml")
        let index = PlanningIndex(s)
        let asOf = ScenarioGenerator.Parameters(orderLines: 4_000, skus: 60, warehouses: 4, seed: 11).today
        let solved = Engine.solveAll(index: index, policy: policy, asOf: asOf, serviceBelow: [])

        var one = solved, oneSolver: [LineKey: LineRecommendation] = [:]
        let oneFound = ShipComplete.reviewAll(&one, solver: &oneSolver, index: index, policy: policy, workers: 1)
        var many = solved, manySolver: [LineKey: LineRecommendation] = [:]
        let manyFound = ShipComplete.reviewAll(&many, solver: &manySolver, index: index, policy: policy, workers: workers)

        #expect(!oneSolver.isEmpty, "some orders are flagged")
        #expect(!oneFound.isEmpty, "some orders are to be re-sourced")
        #expect(many == one)
        #expect(manySolver == oneSolver)
        #expect(manyFound.map(\.range) == oneFound.map(\.range))
        #expect(manyFound.map(\.order) == oneFound.map(\.order))
    }

    @Test("the supplies the solved groups hand over are those the ledger works out itself, and finish the same plan")
    func handedOverSupplies() throws {
        var s = ScenarioGenerator(.init(orderLines: 3_000, skus: 50, warehouses: 5, seed: 5)).generate()
        for i in s.orders.indices where i % 2 == 0 { s.orders[i].shipComplete = true }
        let policy = try Policy(toml: ScenarioGenerator.policyTOML, file: "policy.toml")
        let index = PlanningIndex(s)
        let asOf = ScenarioGenerator.Parameters(orderLines: 3_000, skus: 50, warehouses: 5, seed: 5).today
        var times = GroupTimes()
        let (lines, free, loaded) = Engine.solveAllInKeyOrder(index: index, policy: policy, asOf: asOf, serviceBelow: [], times: &times)
        #expect(Set(loaded.map(\.sku)).count == loaded.count, "each sku once")
        #expect(loaded.contains { $0.free.contains { $0 > 0 } }, "some supplies are left free")
        let ledger = SupplyLedger(index: index, policy: policy, asOf: asOf, free: free)
        for l in loaded {
            let own = ledger.supplies(of: l.sku)
            #expect(l.free == own.free, "free units of \(l.sku)")
            #expect(l.list.map(\.capacity) == own.list.map(\.capacity) && l.list.map(\.skuSlot) == own.list.map(\.skuSlot)
                    && l.list.map(\.warehouse) == own.list.map(\.warehouse) && l.list.map(\.kind) == own.list.map(\.kind)
                    && l.list.map(\.availableDay) == own.list.map(\.availableDay) && l.list.map(\.ageDays) == own.list.map(\.ageDays),
                    "supplies of \(l.sku)")
        }
        let handedOver = Engine.finish(lines: lines, free: free, loaded: loaded, index: index, policy: policy, asOf: asOf)
        let workedOut = Engine.finish(lines: lines, free: free, index: index, policy: policy, asOf: asOf)
        #expect(handedOver.lines == workedOut.lines)
        #expect(handedOver.lines.contains { $0.rationale.contains("Ship complete") }, "the pass re-sourced or flagged orders")
    }
}
