/// Unusual decisions: recommendations and overrides far from the history of similar lines (same family), measured
/// per feature by a robust z-score so that a few extreme past lines cannot hide a new one.

/// The measurable shape of one decision (a recommendation or an override).
public struct DecisionShape: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, Codable { case recommendation, override }
    public var key: LineKey
    public var kind: Kind
    public var sku: SKU
    /// Similar lines are lines of the same family (the sku when it has none).
    public var family: String
    public var qty: Double
    public var costPerUnit: Double
    /// Transit days from the chosen warehouse to the customer: how far the units travel.
    public var sourceDistance: Double
    public init(key: LineKey, kind: Kind, sku: SKU, family: String, qty: Double, costPerUnit: Double, sourceDistance: Double) {
        self.key = key; self.kind = kind; self.sku = sku; self.family = family; self.qty = qty
        self.costPerUnit = costPerUnit; self.sourceDistance = sourceDistance
    }
}

/// A decision flagged as unusual, with the feature(s) that make it so.
public struct UnusualDecision: Hashable, Sendable, Codable {
    public struct Finding: Hashable, Sendable, Codable {
        public var feature: String
        public var value: Double
        public var median: Double
        public var z: Double
        public var reason: String
    }
    public var line: String
    public var kind: DecisionShape.Kind
    public var family: String
    public var findings: [Finding]
    public var basis: SignalBasis
}

public enum UnusualDecisionModel {
    /// Fewer similar past lines than this and the model makes no claim.
    public static let minimumPeers = 8

    static let features: [(name: String, label: String, value: @Sendable (DecisionShape) -> Double)] = [
        ("qty", "quantity", { $0.qty }),
        ("cost_per_unit", "cost per unit", { $0.costPerUnit }),
        ("source_distance", "source distance (transit days)", { $0.sourceDistance }),
    ]

    /// Flags each decision in `candidates` whose quantity, cost per unit or source distance lies more than
    /// `threshold` robust standard deviations from the same family's `history`.
    public static func flag(_ candidates: [DecisionShape], history: [DecisionShape], threshold: Double) -> [UnusualDecision] {
        let peersByFamily = Dictionary(grouping: history, by: \.family)
        var out: [UnusualDecision] = []
        for c in candidates {
            let peers = (peersByFamily[c.family] ?? []).filter { $0.key != c.key }
            guard peers.count >= minimumPeers else { continue }
            var findings: [UnusualDecision.Finding] = []
            for f in features {
                let values = peers.map(f.value)
                let x = f.value(c)
                guard let med = Stats.median(values) else { continue }
                let z: Double
                if let rz = Stats.robustZ(x, peers: values) { z = rz }
                else if x != med { z = x > med ? .infinity : -.infinity }  // every peer had exactly the median
                else { continue }
                guard abs(z) > threshold else { continue }
                let zText = z.isFinite ? Fmt.fixed(abs(z), 1) + " robust SDs" : "far"
                findings.append(.init(feature: f.name, value: x, median: med, z: z.isFinite ? z : (z > 0 ? 99 : -99),
                                      reason: "\(f.label) \(Fmt.fixed(x, 2)) is \(zText) \(z > 0 ? "above" : "below") the median \(Fmt.fixed(med, 2)) of \(peers.count) similar lines (family \(c.family))"))
            }
            if !findings.isEmpty {
                out.append(UnusualDecision(line: c.key.description, kind: c.kind, family: c.family, findings: findings,
                                           basis: SignalBasis(inputs: ["\(peers.count) past decisions in family \(c.family)"],
                                                              historySize: peers.count, confidence: Confidence.from(historySize: peers.count))))
            }
        }
        return out.sorted { ($1.findings.map { abs($0.z) }.max() ?? 0, $0.line) < ($0.findings.map { abs($0.z) }.max() ?? 0, $1.line) }
    }
}
