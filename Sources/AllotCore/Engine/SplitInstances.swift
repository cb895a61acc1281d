/// One group's sourcing under the split penalty, as the engine met and left it: what an outside solver needs to find
/// the exact optimum of the same problem and so measure how far the engine's answer is from it
/// (`allot bench splits`, `tools/split_gap.py`).
///
/// The problem: every line takes exactly its `fill` from buckets its class can use (a finite objective), no bucket
/// gives more than its `capacity`, and the total of `fill`-weighted objectives plus `penalty` per piece beyond a line's
/// first is least. The line fills are those priority decided; units protected by commitments are already out of the
/// capacities.
public struct SplitInstance: Sendable {
    /// One line's cost class and units to source.
    public struct Line: Sendable, Equatable {
        public var cls: Int
        public var fill: Int
    }
    /// One piece of a line's sourcing: units from a bucket.
    public struct Piece: Sendable, Equatable {
        public var bucket: Int
        public var units: Int
    }
    public var skus: [SKU]
    public var penalty: Double
    /// Units each bucket has for the group's lines.
    public var capacity: [Int]
    /// The lines with units to source (lines filled with nothing are left out).
    public var lines: [Line]
    /// Per class (the classes of `lines`), the objective of one unit from each bucket; nil where the class cannot
    /// use the bucket.
    public var objective: [Int: [Double?]]
    /// Per line, the cheapest sourcing (before the split penalty is worked on), and the engine's final one.
    public var cheapest: [[Piece]]
    public var merged: [[Piece]]

    /// The objective of a sourcing of `lines`: units times objectives, plus the split penalties.
    public func value(_ sourcing: [[Piece]]) -> Double {
        var total = 0.0
        for (l, pieces) in sourcing.enumerated() {
            let row = objective[lines[l].cls] ?? []
            for p in pieces { total += Double(p.units) * (row[p.bucket] ?? .infinity) }
            total += penalty * Double(max(0, pieces.count - 1))
        }
        return total
    }

    /// What the objective adds per unit and rank of a substitute (so that a line takes its own sku first): an outside
    /// check takes it out again to compare costs.
    public static let substitutionPenalty = GroupProblem.substitutionPenalty

    /// Split lines of a sourcing.
    public func splitLines(_ sourcing: [[Piece]]) -> Int { sourcing.reduce(0) { $0 + ($1.count > 1 ? 1 : 0) } }
}

extension Engine {
    /// The split-penalty problems of every `every`-th group of the index (the first, then each `every`-th after it),
    /// solved as `plan` solves them, with the engine's sourcing before and after it works on the split penalty.
    /// Groups that have no line to source are left out.
    public static func splitInstances(index: PlanningIndex, policy: Policy, asOf: Day, every: Int) -> [SplitInstance] {
        precondition(every >= 1, "every: at least 1")
        let memo = ArcMemo(index: index, policy: policy)
        let below = serviceBelow(index: index, policy: policy, asOf: asOf)  // (as `plan`)
        var out: [SplitInstance] = []
        for g in stride(from: 0, to: index.groups.count, by: every) {
            var cheapest: [[(b: Int, q: Int)]] = []
            let solver = solveGroup(index: index, policy: policy, asOf: asOf, skus: index.groups[g], serviceBelow: below, memo: memo,
                                    beforeSplits: { cheapest = $0.allocations })
            if let instance = SplitInstance(solver, skus: index.groups[g], cheapest: cheapest) { out.append(instance) }
        }
        return out
    }
}

extension SplitInstance {
    /// The instance of a solved group (`cheapest`: its lines' sourcing before merging), nil when no line has units.
    init?(_ s: GroupSolver, skus: [SKU], cheapest: [[(b: Int, q: Int)]]) {
        let kept = s.allocations.indices.filter { s.p.lines[$0].fill > 0 && !s.allocations[$0].isEmpty }
        guard !kept.isEmpty else { return nil }
        var used = [Int](repeating: 0, count: s.B)
        for l in s.allocations.indices { for a in s.allocations[l] { used[a.b] += a.q } }
        self.skus = skus
        penalty = s.policy.cost.splitPenalty
        capacity = (0..<s.B).map { s.cap[$0] + used[$0] }
        lines = kept.map { Line(cls: s.p.lines[$0].cls, fill: s.p.lines[$0].fill) }
        var objective: [Int: [Double?]] = [:]
        for line in lines where objective[line.cls] == nil {
            objective[line.cls] = (0..<s.B).map { b in
                let o = s.p.objective[line.cls * s.B + b]
                return o.isFinite ? o : nil
            }
        }
        self.objective = objective
        let pieces = { (a: [(b: Int, q: Int)]) in a.map { Piece(bucket: $0.b, units: $0.q) }.sorted { $0.bucket < $1.bucket } }
        self.cheapest = kept.map { pieces(cheapest[$0]) }
        merged = kept.map { pieces(s.allocations[$0]) }
    }
}
