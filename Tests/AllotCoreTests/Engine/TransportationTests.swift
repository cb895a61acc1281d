import Testing
@testable import AllotCore

/// The cost step's transportation solver against brute force on small random instances.
@Suite("Transportation solver")
struct TransportationTests {
    /// Every way to route the demands (small enough to enumerate), the least cost; nil when nothing fits.
    static func bruteForce(m: Int, demand: [Int], capacity: [Int], cost: [Double], eligible: [[Int]]) -> Double? {
        var free = capacity
        var best: Double?
        func route(_ g: Int, _ k: Int, _ left: Int, _ total: Double) {
            if g == demand.count { if best == nil || total < best! { best = total }; return }
            if k == eligible[g].count {
                if left == 0 { route(g + 1, 0, g + 1 < demand.count ? demand[g + 1] : 0, total) }
                return
            }
            let b = eligible[g][k]
            for q in 0...min(left, free[b]) {
                free[b] -= q
                route(g, k + 1, left - q, total + Double(q) * cost[g * m + b])
                free[b] += q
            }
        }
        route(0, 0, demand.first ?? 0, 0)
        return best
    }

    @Test("routes every demand within the capacities at the least cost brute force finds")
    func matchesBruteForce() {
        var rng = SeededRandom(state: 42)
        var checked = 0
        for _ in 0..<300 {
            let m = Int.random(in: 2...4, using: &rng), n = Int.random(in: 1...4, using: &rng)
            let capacity = (0..<m).map { _ in Int.random(in: 0...4, using: &rng) }
            var cost = [Double](repeating: 0, count: n * m)
            var eligible: [[Int]] = []
            for g in 0..<n {
                let e = (0..<m).filter { _ in Int.random(in: 0..<10, using: &rng) < 7 }
                for b in e { cost[g * m + b] = Double(Int.random(in: 1...8, using: &rng)) * 0.5 }
                eligible.append(e.isEmpty ? [0] : e)
            }
            let demand = (0..<n).map { _ in Int.random(in: 0...3, using: &rng) }
            let best = TransportationTests.bruteForce(m: m, demand: demand, capacity: capacity, cost: cost, eligible: eligible)
            let x = Transportation(m: m, cost: cost, eligible: eligible).solve(demand: demand, capacity: capacity)
            guard let best else { #expect(x == nil, "infeasible instance solved"); continue }
            guard let x else { Issue.record("feasible instance not solved: \(demand) into \(capacity)"); continue }
            var total = 0.0
            for g in 0..<n {
                #expect(eligible[g].reduce(0) { $0 + x[g * m + $1] } == demand[g])
                for b in 0..<m where !eligible[g].contains(b) { #expect(x[g * m + b] == 0) }
                for b in eligible[g] { total += Double(x[g * m + b]) * cost[g * m + b] }
            }
            for b in 0..<m { #expect((0..<n).reduce(0) { $0 + x[$1 * m + b] } <= capacity[b]) }
            #expect(abs(total - best) < 1e-9, "cost \(total), least \(best)")
            checked += 1
        }
        #expect(checked > 100)
    }
}
