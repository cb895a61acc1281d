import Testing
@testable import AllotCore

/// The groups' split-penalty problems that `allot bench splits` writes for an exact outside check
/// (`Engine.splitInstances`): they must be the problems the plan solves, with the plan's answers.
@Suite("Split-penalty instances for an exact check")
struct SplitInstancesTests {
    static let params = ScenarioGenerator.Parameters(orderLines: 3_000, skus: 80, warehouses: 6, seed: 5)

    static func inputs() throws -> (PlanningIndex, Policy) {
        (PlanningIndex(ScenarioGenerator(params).generate()), try Policy(toml: ScenarioGenerator.policyTOML, file: "policy.toml"))
    }

    /// Whether a sourcing gives every line exactly its units, from buckets its class can use, within capacities.
    static func feasible(_ s: SplitInstance, _ sourcing: [[SplitInstance.Piece]]) -> Bool {
        var used = [Int](repeating: 0, count: s.capacity.count)
        for (l, pieces) in sourcing.enumerated() {
            guard pieces.reduce(0, { $0 + $1.units }) == s.lines[l].fill, pieces.allSatisfy({ $0.units > 0 }) else { return false }
            for p in pieces {
                guard s.objective[s.lines[l].cls]?[p.bucket] ?? nil != nil else { return false }
                used[p.bucket] += p.units
            }
            guard Set(pieces.map(\.bucket)).count == pieces.count else { return false }
        }
        return zip(used, s.capacity).allSatisfy { $0 <= $1 }
    }

    @Test("every group's sourcing is feasible before and after merging, and merging never raises the objective")
    func feasibleAndNoWorse() throws {
        let (index, policy) = try Self.inputs()
        let instances = Engine.splitInstances(index: index, policy: policy, asOf: Self.params.today, every: 1)
        #expect(instances.count > 10)
        var merged = 0
        for s in instances {
            #expect(Self.feasible(s, s.cheapest), "\(s.skus): cheapest sourcing")
            #expect(Self.feasible(s, s.merged), "\(s.skus): merged sourcing")
            #expect(s.value(s.merged) <= s.value(s.cheapest) + 1e-6, "\(s.skus)")
            merged += s.splitLines(s.cheapest) - s.splitLines(s.merged)
        }
        #expect(merged > 0, "the scenario has splits that merging removes")
    }

    @Test("the merged sourcing is the plan's: as many split lines as the solver's recommendations have")
    func sameAsPlan() throws {
        let (index, policy) = try Self.inputs()
        let instances = Engine.splitInstances(index: index, policy: policy, asOf: Self.params.today, every: 1)
        let plan = Engine.plan(index: index, policy: policy, asOf: Self.params.today)
        let solverSplits = plan.lines.filter { (plan.solverRecommendation($0.key)?.allocations.count ?? 0) > 1 }.count
        #expect(instances.reduce(0) { $0 + $1.splitLines($1.merged) } == solverSplits)
        #expect(instances.reduce(0) { $0 + $1.lines.count } == plan.lines.filter { (plan.solverRecommendation($0.key)?.allocated ?? 0) > 0 }.count)
    }

    @Test("every n-th group is taken, starting with the first, the same on every call")
    func sampling() throws {
        let (index, policy) = try Self.inputs()
        let all = Engine.splitInstances(index: index, policy: policy, asOf: Self.params.today, every: 1)
        let third = Engine.splitInstances(index: index, policy: policy, asOf: Self.params.today, every: 3)
        let taken = stride(from: 0, to: index.groups.count, by: 3).map { index.groups[$0] }
        #expect(third.map(\.skus) == all.map(\.skus).filter { taken.contains($0) })
        #expect(third.first?.skus == index.groups[0])
        let again = Engine.splitInstances(index: index, policy: policy, asOf: Self.params.today, every: 3)
        #expect(again.map(\.merged) == third.map(\.merged) && again.map(\.capacity) == third.map(\.capacity))
    }
}
