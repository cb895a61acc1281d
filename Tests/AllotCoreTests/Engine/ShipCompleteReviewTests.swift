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
}
