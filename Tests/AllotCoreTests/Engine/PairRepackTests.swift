import Testing
@testable import AllotCore

/// The exact two-bucket re-packing after the merges (`PairRepack`): on random pairs, what it finds must be the best
/// packing of the two buckets, found by trying every way to share each line's units between them.
@Suite("Two-bucket re-packing against the split penalty")
struct PairRepackTests {
    /// A random pair: lines holding units at bucket 0 and/or 1 (some also at bucket 2, which stays), each its own
    /// class, some unable to use one of the two; capacities leave a few free units (up to `free`).
    static func instance(seed: UInt64, lines n: Int, units: ClosedRange<Int> = 1...5, free: Int = 3) -> PairRepack {
        var rng = SeededRandom(state: seed)
        let B = 3
        var objective: [Double] = []
        var allocations: [[(b: Int, q: Int)]] = []
        for _ in 0..<n {
            var row = (0..<B).map { _ in Double(Int.random(in: 2...20, using: &rng)) * 0.25 }
            let q = Int.random(in: units, using: &rng)
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
        let cap = [Int.random(in: 0...free, using: &rng), Int.random(in: 0...free, using: &rng), 0]
        return PairRepack(B: B, penalty: 4, objective: objective, lineClass: Array(0..<n), allocations: allocations, cap: cap)

    }

    /// Cost plus split penalties of every line.
    static func value(_ r: PairRepack) -> Double { r.value() }

    /// The least value over every sharing of each line's units between buckets 0 and 1 within their capacities.
    static func bruteForce(_ r: PairRepack, keepingOut forbidden: Int? = nil) -> Double {
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
                if l == forbidden && a > 0 { continue }
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

    /// Large lines make the table's rows sparse (only sums of whole lines' units are reached without a split), and the
    /// table leaves out states that cannot beat the current packing: on such pairs, too many lines for a brute force,
    /// it must agree with trying every packing, re-packing freely and with a line forced out.
    @Test("the table agrees with trying every packing on pairs of large lines", arguments: [8, 10])
    func largeLines(lines: Int) {
        var improvedSome = 0, forcedSome = 0
        for seed in UInt64(1)...60 {
            let plain = Self.instance(seed: seed &* 6151 &+ UInt64(lines), lines: lines, units: 1...40, free: 25)
            var byTable = plain, byTrying = plain
            byTable.enumerateUpTo = 0; byTrying.enumerateUpTo = 16; byTable.maxCells = 1_000_000
            let improved = byTable.repack(0, 1)
            #expect(improved == byTrying.repack(0, 1), "seed \(seed): the table and trying every packing disagree")
            #expect(abs(Self.value(byTable) - Self.value(byTrying)) < 1e-9,
                    "seed \(seed): table \(Self.value(byTable)), trying every packing \(Self.value(byTrying))")
            if improved { improvedSome += 1 }
            guard let l = plain.allocations.indices.first(where: { plain.qty($0, 0) > 0 && plain.obj($0, 1).isFinite }) else { continue }
            var forcedTable = plain, forcedTrying = plain
            forcedTable.enumerateUpTo = 0; forcedTrying.enumerateUpTo = 16; forcedTable.maxCells = 1_000_000
            let forced = forcedTable.forceOut(line: l, from: 0, into: 1)
            #expect(forced == forcedTrying.forceOut(line: l, from: 0, into: 1), "seed \(seed): forced packings disagree")
            #expect(abs(Self.value(forcedTable) - Self.value(forcedTrying)) < 1e-9, "seed \(seed): forced to different costs")
            if forced { forcedSome += 1; #expect(forcedTable.qty(l, 0) == 0) }
        }
        #expect(improvedSome > 5 && forcedSome > 20, "improved \(improvedSome), forced \(forcedSome)")
    }

    /// `r` again, with these prices of its buckets (each class's base its least objective less price).
    static func priced(_ r: PairRepack, _ price: [Double]) -> PairRepack {
        PairRepack(B: r.B, penalty: r.penalty, objective: r.objective, lineClass: r.lineClass, allocations: r.allocations,
                   cap: r.cap, prices: (price, SplitMerger.classBase(objective: r.objective, buckets: r.B, price: price)))
    }

    /// The prices only bound what a re-packing can gain, so that pairs and lines are left out early: whatever they are,
    /// the re-packing must still find the best packing whenever one is better.
    @Test("with any prices of the buckets, the re-packing still finds every better packing", arguments: [3, 5, 7])
    func anyPrices(lines: Int) {
        var improvedSome = 0, ruledOut = 0
        for seed in UInt64(1)...80 {
            var rng = SeededRandom(state: seed &* 31_337)
            let plain = Self.instance(seed: seed &* 7919 &+ UInt64(lines), lines: lines)
            // Random prices, and the prices on a grid that make the pair's bound least (as a cheapest sourcing's do).
            let random = (0..<3).map { _ in Double(Int.random(in: -12...12, using: &rng)) * 0.25 }
            var tight = [0.0, 0, 0], least = Double.infinity
            for p0 in -8...8 {
                for p1 in -8...8 {
                    let r = Self.priced(plain, [Double(p0) * 0.25, Double(p1) * 0.25, 0])
                    if r.priceBound(0, 1) < least { least = r.priceBound(0, 1); tight = r.price }
                }
            }
            for price in [random, tight] {
                var r = Self.priced(plain, price)
                let before = Self.value(r), optimum = Self.bruteForce(r)
                if !r.mayImprove(0, 1) { ruledOut += 1 }
                let improved = r.mayImprove(0, 1) && r.repack(0, 1)
                if optimum < before - 1e-6 {
                    #expect(improved, "seed \(seed): prices \(price) ruled out \(optimum), below \(before)")
                    #expect(abs(Self.value(r) - optimum) < 1e-9, "seed \(seed): re-packed to \(Self.value(r)), the best is \(optimum)")
                    improvedSome += 1
                } else {
                    #expect(Self.value(r) >= optimum - 1e-9)
                }
            }
        }
        #expect(improvedSome > 10, "the random pairs leave room to improve")
        #expect(ruledOut > 0, "some prices rule a pair out")
    }

    @Test("a forced re-packing keeps the line out of its bucket at the least cost that allows, even above the current")
    func forced() {
        var forcedSome = 0, worseSome = 0
        for lines in [3, 5, 7] {
            for seed in UInt64(1)...60 {
                var r = Self.instance(seed: seed &* 104_729 &+ UInt64(lines), lines: lines)
                // The first line with units at bucket 0 that bucket 1 can take.
                guard let l = r.allocations.indices.first(where: { r.qty($0, 0) > 0 && r.obj($0, 1).isFinite }) else { continue }
                let before = Self.value(r), optimum = Self.bruteForce(r, keepingOut: l)
                let units = r.allocations.map { $0.reduce(0) { $0 + $1.q } }
                if r.forceOut(line: l, from: 0, into: 1) {
                    forcedSome += 1
                    #expect(r.qty(l, 0) == 0, "seed \(seed): the line kept units at the bucket it was forced out of")
                    #expect(abs(Self.value(r) - optimum) < 1e-9, "seed \(seed): forced to \(Self.value(r)), the best is \(optimum)")
                    if Self.value(r) > before + 1e-9 { worseSome += 1 }
                } else {
                    #expect(optimum == .infinity, "seed \(seed): refused, but \(optimum) was possible")
                    #expect(Self.value(r) == before)
                }
                #expect(r.cap.allSatisfy { $0 >= 0 }, "seed \(seed): a bucket over-used")
                #expect(r.allocations.map { $0.reduce(0) { $0 + $1.q } } == units, "seed \(seed): a line's units changed")
                #expect(r.forbidLine == -1, "the forced line is released afterwards")
            }
        }
        #expect(forcedSome > 50 && worseSome > 5, "forced \(forcedSome), \(worseSome) of them above the current cost")
    }

    /// A random group of four buckets, every line whole or split across them, capacities nearly all in use.
    static func group(seed: UInt64, lines n: Int) -> PairRepack {
        var rng = SeededRandom(state: seed)
        let B = 4
        var objective: [Double] = [], allocations: [[(b: Int, q: Int)]] = []
        var cap = [Int](repeating: 0, count: B)
        for _ in 0..<n {
            objective += (0..<B).map { _ in Double(Int.random(in: 2...20, using: &rng)) * 0.25 }
            var q = Int.random(in: 1...6, using: &rng), pieces: [(b: Int, q: Int)] = []
            for b in (0..<B).shuffled(using: &rng) where q > 0 {
                let take = pieces.count == Int.random(in: 0...2, using: &rng) ? q : Int.random(in: 1...q, using: &rng)
                pieces.append((b, take)); q -= take
            }
            allocations.append(pieces)
        }
        for b in 0..<B { cap[b] = Int.random(in: 0...2, using: &rng) }
        return PairRepack(B: B, penalty: 3, objective: objective, lineClass: Array(0..<n), allocations: allocations, cap: cap)
    }

    /// The least value of the group over every way to place each line's units in the four buckets.
    static func groupOptimum(_ r: PairRepack) -> Double {
        let n = r.allocations.count
        let q = r.allocations.map { $0.reduce(0) { $0 + $1.q } }
        var free = (0..<r.B).map { b in r.cap[b] + (0..<n).reduce(0) { $0 + r.qty($1, b) } }
        var best = Double.infinity
        func place(_ l: Int, _ b: Int, _ left: Int, _ pieces: Int, _ cost: Double) {
            guard cost < best else { return }
            if b == r.B {
                guard left == 0 else { return }
                next(l + 1, cost + r.penalty * Double(max(0, pieces - 1)))
                return
            }
            for x in stride(from: min(left, free[b]), through: 0, by: -1) {
                free[b] -= x
                place(l, b + 1, left - x, pieces + (x > 0 ? 1 : 0), cost + Double(x) * r.obj(l, b))
                free[b] += x
            }
        }
        func next(_ l: Int, _ cost: Double) {
            if l == n { best = min(best, cost); return }
            place(l, 0, q[l], 0, cost)
        }
        next(0, 0)
        return best
    }

    @Test("kicks after every pair is re-packed: never worse, feasible, the same every time, and at times better")
    func kicks() {
        var kickedLower = 0
        for seed in UInt64(1)...40 {
            var r = Self.group(seed: seed &* 6_700_417, lines: 6)
            let units = r.allocations.map { $0.reduce(0) { $0 + $1.q } }
            let optimum = Self.groupOptimum(r)
            r.runAllPairs(maxSweeps: PairRepack.searchSweeps)
            let local = Self.value(r)
            var again = r
            r.kick(maxKicks: 40, sweeps: PairRepack.searchSweeps)
            again.kick(maxKicks: 40, sweeps: PairRepack.searchSweeps)
            let kicked = Self.value(r)
            #expect(kicked <= local + 1e-9, "seed \(seed): kicks raised the value from \(local) to \(kicked)")
            #expect(kicked >= optimum - 1e-9, "seed \(seed): below the optimum \(optimum): the check is wrong")
            #expect(r.cap.allSatisfy { $0 >= 0 }, "seed \(seed): a bucket over-used")
            #expect(r.allocations.map { $0.reduce(0) { $0 + $1.q } } == units, "seed \(seed): a line's units changed")
            #expect(r.allocations.map { $0.map { [$0.b, $0.q] } } == again.allocations.map { $0.map { [$0.b, $0.q] } },
                    "seed \(seed): the same allocations kicked twice ended apart")
            if kicked < local - 1e-9 { kickedLower += 1 }
            // The running totals that rule pairs out match those of the allocations the kicks left.
            let fresh = PairRepack(B: r.B, penalty: r.penalty, objective: r.objective, lineClass: r.lineClass,
                                   allocations: r.allocations, cap: r.cap)
            #expect(r.sharedLines == fresh.sharedLines, "seed \(seed): lines split across each pair")
            #expect(zip(r.reducedHeld, fresh.reducedHeld).allSatisfy { abs($0 - $1) < 1e-9 }, "seed \(seed): reduced cost held")
        }
        #expect(kickedLower > 5, "kicks improved on the pairs' local optimum in \(kickedLower) of 40 groups")
    }
}
