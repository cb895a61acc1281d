import Testing
@testable import AllotCore

@Suite("Plan totals")
struct PlanTotalsTests {
    /// Costs of very different sizes, where a plain running sum depends on the order the terms come in.
    static func terms(_ seed: UInt64, count: Int) -> [Double] {
        var rng = SeededRandom(state: seed)
        return (0..<count).map { _ in
            let scale = [1e-3, 0.1, 1, 37.5, 1e4, 3e7][Int(rng.next() % 6)]
            return (Double(rng.next() % 1_000_000) / 1_000_000 - 0.3) * scale
        }
    }

    @Test("an exact sum is the same to the last bit whatever the order of its terms and however they are grouped")
    func exactSumOrderAndGrouping() {
        for seed in 1...20 as ClosedRange<UInt64> {
            let terms = Self.terms(seed, count: 3_000)
            var whole = ExactSum()
            for t in terms { whole.add(t) }
            var reversed = ExactSum()
            for t in terms.reversed() { reversed.add(t) }
            var grouped = ExactSum()
            for part in stride(from: 0, to: terms.count, by: 487) {
                var p = ExactSum()
                for t in terms[part..<min(part + 487, terms.count)] { p.add(t) }
                grouped.add(p)
            }
            #expect(whole.value.bitPattern == reversed.value.bitPattern, "seed \(seed)")
            #expect(whole.value.bitPattern == grouped.value.bitPattern, "seed \(seed)")
        }
    }

    @Test("taking terms out of an exact sum leaves exactly the sum of the rest")
    func exactSumRemoval() {
        let terms = Self.terms(99, count: 2_000)
        var sum = ExactSum()
        for t in terms { sum.add(t) }
        for t in terms[1_000...] { sum.subtract(t) }
        var rest = ExactSum()
        for t in terms[..<1_000] { rest.add(t) }
        #expect(sum.value.bitPattern == rest.value.bitPattern)
    }

    @Test("a plan's totals added up in parts on every core equal the totals added line by line")
    func totalsInParts() {
        var rng = SeededRandom(state: 5)
        let lines = (0..<40_000).map { i -> LineRecommendation in
            let q = Int(rng.next() % 50)
            let pieces = Int(rng.next() % 3)
            let allocations = (0..<pieces).map { k in
                Allocation(warehouseID: "W\(k)", qty: q + k, source: .onHand, shipDate: Day(ordinal: 20_000), arrivalDate: Day(ordinal: 20_002),
                           cost: Double(rng.next() % 100_000) / 7.0)
            }
            let status: LineStatus = [.auto, .review, .held, .backorder][i % 4]
            return LineRecommendation(orderID: "SO-\(i)", lineNo: 1, sku: "S", requested: q + 10, priorityClass: 1, allocations: allocations,
                                      short: 0, status: status, exceptions: [], rationale: "")
        }
        var oneByOne = PlanTotals()
        for r in lines { oneByOne.add(r, splitPenalty: 2.5) }
        #expect(PlanTotals(lines, splitPenalty: 2.5) == oneByOne)
    }
}
