import Foundation

/// Unusual decisions: recommendations and overrides far from the history of similar lines (same family), measured
/// per feature by a robust z-score so that a few extreme past lines cannot hide a new one.

/// The measurable shape of one decision (a recommendation or an override).
public struct DecisionShape: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, Codable { case recommendation, override }
    public var key: LineKey
    public var kind: Kind
    public var sku: SKU
    /// Similar lines are lines of the same family (the sku when it has none) shipped to the same region.
    public var family: String
    public var region: String
    public var qty: Double
    public var costPerUnit: Double
    /// Transit days from the chosen warehouse to the customer: how far the units travel.
    public var sourceDistance: Double
    public init(key: LineKey, kind: Kind, sku: SKU, family: String, region: String = "", qty: Double, costPerUnit: Double, sourceDistance: Double) {
        self.key = key; self.kind = kind; self.sku = sku; self.family = family; self.region = region; self.qty = qty
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
    /// Fewer similar past lines than this and the model makes no claim (a median and a spread from fewer are guesses).
    public static let minimumPeers = 20

    /// The features compared. Quantities vary by multiples (an order of 80 beside orders of 10), so they are
    /// compared on a log scale; costs and distances on their own scale.
    static let features: [(name: String, label: String, logScale: Bool, value: @Sendable (DecisionShape) -> Double)] = [
        ("qty", "quantity", true, { log(max(1, $0.qty)) }),
        ("cost_per_unit", "cost per unit", false, { $0.costPerUnit }),
        ("source_distance", "source distance (transit days)", false, { $0.sourceDistance }),
    ]

    /// How far from the median a value must also be, as a fraction of the median, to count as unusual: a
    /// statistically rare but practically tiny difference (1.15 vs 1.20 a unit) is not worth a person's time.
    public static let minimumRelativeDifference = 0.25

    /// The median and robust spread of one feature over one peer group, computed once per group.
    struct Spread {
        var median: Double
        /// The scale a robust z-score divides by (MAD / 0.6745, else mean absolute deviation × 1.2533); 0 when
        /// every peer had exactly the median.
        var scale: Double
        init(_ values: [Double]) {
            let s = values.sorted()
            median = Stats.percentileOfSorted(s, 0.5) ?? 0
            let m = median
            let mad = Stats.median(s.map { abs($0 - m) }) ?? 0
            // Below a billionth of the median the spread is rounding noise, not variation.
            let tiny = 1e-9 * max(1, abs(m))
            if mad > tiny { scale = mad / 0.6745 } else {
                let meanAD = s.reduce(0) { $0 + abs($1 - m) } / Double(max(1, s.count))
                scale = meanAD > tiny ? 1.2533 * meanAD : 0
            }
        }
    }

    /// Flags each decision in `candidates` whose quantity, cost per unit or source distance lies more than
    /// `threshold` robust standard deviations (and at least a quarter of the median) from similar past lines:
    /// the same family to the same region, or the whole family when that region has too few.
    public static func flag(_ candidates: [DecisionShape], history: [DecisionShape], threshold: Double) -> [UnusualDecision] {
        let byGroup = Dictionary(grouping: history) { "\($0.family)\u{1F}\($0.region)" }
        let byFamily = Dictionary(grouping: history, by: \.family)
        var cache: [String: (peers: Int, label: String, spreads: [Spread])] = [:]
        func stats(_ c: DecisionShape) -> (peers: Int, label: String, spreads: [Spread])? {
            let gk = "\(c.family)\u{1F}\(c.region)"
            if let hit = cache[gk] { return hit.peers >= minimumPeers ? hit : nil }
            var peers = byGroup[gk] ?? []
            var label = c.region.isEmpty ? "family \(c.family)" : "family \(c.family) to \(c.region)"
            if peers.count < minimumPeers { peers = byFamily[c.family] ?? []; label = "family \(c.family)" }
            let entry = (peers.count, label, features.map { f in Spread(peers.map(f.value)) })
            cache[gk] = entry
            return entry.0 >= minimumPeers ? entry : nil
        }
        var out: [UnusualDecision] = []
        for c in candidates {
            guard let (count, label, spreads) = stats(c) else { continue }
            var findings: [UnusualDecision.Finding] = []
            for (f, spread) in zip(features, spreads) {
                let x = f.value(c), med = spread.median
                // On a log scale "a quarter of the median" becomes "more than double or less than half".
                let practical = f.logScale ? abs(x - med) > log(2) : abs(x - med) > minimumRelativeDifference * abs(med)
                guard practical, x != med else { continue }
                let z = spread.scale > 0 ? (x - med) / spread.scale : (x > med ? 99 : -99)
                guard abs(z) > threshold else { continue }
                let zText = spread.scale > 0 ? Fmt.fixed(abs(z), 1) + " robust SDs" : "far"
                let (shown, shownMedian) = f.logScale ? (exp(x), exp(med)) : (x, med)
                findings.append(.init(feature: f.name, value: shown, median: shownMedian, z: z,
                                      reason: "\(f.label) \(Fmt.fixed(shown, f.logScale ? 0 : 2)) is \(zText) \(z > 0 ? "above" : "below") the median \(Fmt.fixed(shownMedian, f.logScale ? 0 : 2)) of \(count) similar lines (\(label))"))
            }
            if !findings.isEmpty {
                out.append(UnusualDecision(line: c.key.description, kind: c.kind, family: c.family, findings: findings,
                                           basis: SignalBasis(inputs: ["\(count) past decisions in \(label)"],
                                                              historySize: count, confidence: Confidence.from(historySize: count))))
            }
        }
        return out.sorted { ($1.findings.map { abs($0.z) }.max() ?? 0, $0.line) < ($0.findings.map { abs($0.z) }.max() ?? 0, $1.line) }
    }
}
