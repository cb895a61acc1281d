/// Learning from overrides: how likely planners are to override a new recommendation, from how often they
/// overrode recommendations that shared its features (warehouse, family, tier, exception…).
///
/// A naive-Bayes style sum of log-odds: the overall override rate, moved by each feature value's own rate
/// (shrunk toward the overall rate so that rare values move it little). Every term is shown as the basis.

/// A recommendation described by categorical features (`warehouse`, `family`, `tier`, `exception`, `customer`).
public struct RecommendationFeatures: Hashable, Sendable {
    public var key: LineKey
    public var features: [String: String]
    public init(key: LineKey, features: [String: String]) { self.key = key; self.features = features }
}

/// A past recommendation and whether a person overrode it.
public struct OverrideObservation: Hashable, Sendable {
    public var features: [String: String]
    public var overridden: Bool
    public var at: Timestamp
    public init(features: [String: String], overridden: Bool, at: Timestamp) {
        self.features = features; self.overridden = overridden; self.at = at
    }
}

/// The estimated chance a recommendation will be overridden, term by term.
public struct OverrideLikelihood: Hashable, Sendable, Codable {
    public struct Term: Hashable, Sendable, Codable {
        public var feature: String
        public var value: String
        public var overridden: Int
        public var seen: Int
        /// Change in log-odds this value contributes.
        public var weight: Double
    }
    public var line: String
    public var probability: Double
    /// Likely to be overridden: probability at least one half, with history to back it.
    public var likely: Bool
    public var baseRate: Double
    public var terms: [Term]
    public var basis: SignalBasis
    enum CodingKeys: String, CodingKey { case line, probability, likely, baseRate = "base_rate", terms, basis }
}

/// The learned rates: trained once, applied to many recommendations.
public struct OverrideModel: Sendable {
    public static let priorStrength = 5.0
    public var overridden: Int
    public var total: Int
    /// Per feature and value: (overridden, seen).
    public var counts: [String: [String: (Int, Int)]]

    /// A model from counts already tallied (by the store, in SQL, for a large history).
    public init(overridden: Int, total: Int, counts: [String: [String: (Int, Int)]]) {
        self.overridden = overridden; self.total = total; self.counts = counts
    }

    public init(training history: [OverrideObservation]) {
        overridden = history.filter(\.overridden).count
        total = history.count
        var c: [String: [String: (Int, Int)]] = [:]
        for h in history {
            for (f, v) in h.features {
                let old = c[f, default: [:]][v] ?? (0, 0)
                c[f, default: [:]][v] = (old.0 + (h.overridden ? 1 : 0), old.1 + 1)
            }
        }
        counts = c
    }

    public var baseRate: Double { BetaEstimate(successes: overridden, trials: total, priorMean: 0.5, priorStrength: 2).mean }

    /// The probability alone, without the basis text: cheap enough for every visible row of the queue.
    public func probability(_ features: [String: String]) -> Double {
        let p0 = baseRate
        var logOdds = Stats.logit(p0)
        for f in features.keys.sorted() {  // a fixed order: the same sum, to the last bit, on every run
            let (k, n) = counts[f]?[features[f]!] ?? (0, 0)
            logOdds += Stats.logit(BetaEstimate(successes: k, trials: n, priorMean: p0, priorStrength: OverrideModel.priorStrength).mean) - Stats.logit(p0)
        }
        return Stats.logistic(logOdds)
    }

    public func predict(_ r: RecommendationFeatures) -> OverrideLikelihood {
        let p0 = baseRate
        var logOdds = Stats.logit(p0)
        var terms: [OverrideLikelihood.Term] = []
        for f in r.features.keys.sorted() {
            let v = r.features[f]!
            let (k, n) = counts[f]?[v] ?? (0, 0)
            let pf = BetaEstimate(successes: k, trials: n, priorMean: p0, priorStrength: OverrideModel.priorStrength).mean
            let w = Stats.logit(pf) - Stats.logit(p0)
            logOdds += w
            terms.append(.init(feature: f, value: v, overridden: k, seen: n, weight: w))
        }
        let p = Stats.logistic(logOdds)
        let confidence = Confidence.from(historySize: total)
        var inputs = ["\(overridden) of \(total) past recommendations were overridden"]
        for t in terms.sorted(by: { abs($0.weight) > abs($1.weight) }).prefix(3) where t.seen > 0 {
            inputs.append("\(t.feature) \(t.value): overridden \(t.overridden) of \(t.seen) (\(t.weight >= 0 ? "+" : "")\(Fmt.fixed(t.weight, 2)) log-odds)")
        }
        return OverrideLikelihood(line: r.key.description, probability: p, likely: confidence > .none && p >= 0.5, baseRate: p0,
                                  terms: terms, basis: SignalBasis(inputs: inputs, historySize: total, confidence: confidence))
    }
}
