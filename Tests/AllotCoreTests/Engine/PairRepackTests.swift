import Testing
@testable import AllotCore

/// The exact two-bucket re-packing after the merges (`PairRepack`): on random pairs, what it finds must be the best
/// packing of the two buckets, found by trying every way to share each line's units between them.
@Suite("Two-bucket re-packing against the split penalty")
struct PairRepackTests {
    /// A random pair: lines holding units at bucket 0 and/or 1 (some also at bucket 2, which stays), each its own
    /// class, some unable to use one of the two; capacities leave a few free units.
    static func instance(seed: UInt64, lines n: Int) -> PairRepack {
        var rng = SeededRandom(state: seed)
        let B = 3
        var objective: [Double] = []
        var allocations: [[(b: Int, q: Int)]] = []
        for _ in 0..<n {
            var row = (0..<B).map { _ in Double(Int.random(in: 2...20, using: &rng)) * 0.25 }
            let q = Int.random(in: 1...5, using: &rng)
            let only = Int.random(in: 0..<6, using: &rng)  // 0: only bucket 0 usable, 1: only bucket 1
            if only < 2 { row[1 - only] = .infinity }
            var pieces: [(b: Int, q: Int)] = []
            let atU = only == 0 ? q : (only == 1 ? 0 : Int.random(in: 0...q, using: &rng))
            if atU > 0 { pieces.append((0, atU)) }
            if q - atU > 0 { pieces.append((1, q - atU)) }
            if Int.random(in: 0..<4, using: &rng) == 0 { pieces.append((2, Int.random(in: 1...3, using: &rng))) }
            objective += row
            allocations.append(pieces)
        }
        let cap = [Int.random(in: 0...3, using: &rng), Int.random(in: 0...3, using: &rng), 0]
        return PairRepack(B: B, penalty: 4, objective: objective, lineClass: Array(0..<n), allocations: allocations, cap: cap)

    }

    /// Cost plus split penalties of every line.
    static func value(_ r: PairRepack) -> Double {
        var total = 0.0
        for l in r.allocations.indices {
            for a in r.allocations[l] { total += Double(a.q) * r.obj(l, a.b) }
            total += r.penalty * Double(max(0, r.allocations[l].count - 1))
        }
        return total
    }

    /// The least value over every sharing of each line's units between buckets 0 and 1 within their capacities.
    static func bruteForce(_ r: PairRepack) -> Double {
        let n = r.allocations.count
        let q = (0..<n).map { r.qty($0, 0) + r.qty($0, 1) }
        let capU = r.cap[0] + (0..<n).reduce(0) { $0 + r.qty($1, 0) }, capV = r.cap[1] + (0..<n).reduce(0) { $0 + r.qty($1, 1) }
        var best = Double.infinity
        func walk(_ l: Int, _ sumU: Int, _ sumV: Int, _ cost: Double) {
            guard sumU <= capU, sumV <= capV, cost < best else { return }
            if l == n { best = cost; return }
            for a in 0...q[l] {
                let b = q[l] - a
                if a > 0 && !r.obj(l, 0).isFinite || b > 0 && !r.obj(l, 1).isFinite { continue }
                let other = r.qty(l, 2)
                let pieces = (a > 0 ? 1 : 0) + (b > 0 ? 1 : 0) + (other > 0 ? 1 : 0)
                // (Only buckets used are priced: zero units at an unusable one would make NaN.)
                let c = (a > 0 ? Double(a) * r.obj(l, 0) : 0) + (b > 0 ? Double(b) * r.obj(l, 1) : 0)
                    + (other > 0 ? Double(other) * r.obj(l, 2) : 0) + r.penalty * Double(pieces - 1)
                walk(l + 1, sumU + a, sumV + b, cost + c)
            }
        }
        walk(0, 0, 0, 0)
        return best
    }

    @Test("finds the best packing of the pair, by trying each packing and by its table",
          arguments: [(3, true), (6, true), (3, false), (5, false), (7, false)])
    func exact(lines: Int, enumerate: Bool) {
        var improvedSome = 0
        for seed in UInt64(1)...60 {
            var r = Self.instance(seed: seed &* 7919 &+ UInt64(lines), lines: lines)
            r.enumerateUpTo = enumerate ? 10 : 0
            let before = Self.value(r), optimum = Self.bruteForce(r)
            let units = r.allocations.map { $0.reduce(0) { $0 + $1.q } }
            let improved = r.repack(0, 1)
            let after = Self.value(r)
            if improved {
                improvedSome += 1
                #expect(abs(after - optimum) < 1e-9, "seed \(seed): re-packed to \(after), the best is \(optimum)")
            } else {
                #expect(after == before)
                #expect(optimum >= before - 1e-9, "seed \(seed): left at \(before), but \(optimum) was possible")
            }
            #expect(r.cap.allSatisfy { $0 >= 0 }, "seed \(seed): a bucket over-used")
            #expect(r.allocations.map { $0.reduce(0) { $0 + $1.q } } == units, "seed \(seed): a line's units changed")
            #expect(r.allocations.allSatisfy { $0.allSatisfy { $0.q > 0 } && Set($0.map(\.b)).count == $0.count })
        }
        #expect(improvedSome > 5, "the random pairs leave room to improve")
    }
}
