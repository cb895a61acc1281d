/// All assisted-decision signals of one moment, computed from plain inputs the store reads out of the mirror.

/// A substitute that could serve a line, to be scored for acceptance.
public struct SubstituteCandidate: Hashable, Sendable {
    public var key: LineKey
    public var customerID: CustomerID
    public var sku: SKU
    public var substituteSKU: SKU
    public var family: String?
    public var tier: String?
    /// True when the current plan already uses the substitute for the line.
    public var planned: Bool
    public init(key: LineKey, customerID: CustomerID, sku: SKU, substituteSKU: SKU, family: String?, tier: String? = nil, planned: Bool) {
        self.key = key; self.customerID = customerID; self.sku = sku; self.substituteSKU = substituteSKU; self.family = family
        self.tier = tier; self.planned = planned
    }
}

/// Everything the models train on and score, as plain values.
public struct InsightInputs: Sendable {
    public var asOf: Day
    public var positions: [StockPosition] = []
    public var demand: [DemandObservation] = []
    /// The first day of order history (earlier days are unknown, not zero demand).
    public var historyStart: Day
    public var transfers: [Transfer] = []
    public var receipts: [ReceiptEtaHistory] = []
    public var receiptLines: [ReceiptDependentLine] = []
    public var substitutionHistory: [SubstitutionOutcome] = []
    public var substituteCandidates: [SubstituteCandidate] = []
    /// Past recommendations and overrides, oldest first.
    public var decisionHistory: [DecisionShape] = []
    public var decisionCandidates: [DecisionShape] = []
    public var overrideHistory: [OverrideObservation] = []
    public var overrideCandidates: [RecommendationFeatures] = []

    public init(asOf: Day, historyStart: Day) { self.asOf = asOf; self.historyStart = historyStart }
}

/// A line the signals say a person should look at before it is released, and why.
public struct ReleaseAdvice: Hashable, Sendable, Codable {
    public var line: String
    public var reasons: [String]
}

/// The signals of `allot insight`.
public struct AssistedDecisions: Sendable, Codable {
    public var asOf: Day
    public var stockout: [StockoutRisk]
    public var promises: [PromiseRisk]
    public var substitutes: [SubstitutionAcceptance]
    public var rebalance: [TransferRecommendation]
    public var unusual: [UnusualDecision]
    public var overrides: [OverrideLikelihood]
    /// Lines that policy thresholds keep from auto-release, with the signals that hold them.
    public var holdForReview: [ReleaseAdvice]

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", stockout, promises, substitutes, rebalance, unusual, overrides, holdForReview = "hold_for_review"
    }

    /// Trains every model on `inputs` and scores the current lines and positions under `policy`'s thresholds.
    public static func compute(_ inputs: InsightInputs, policy: Policy.Insight) -> AssistedDecisions {
        let stockout = StockoutModel.assess(positions: inputs.positions, history: inputs.demand, historyStart: inputs.historyStart,
                                            asOf: inputs.asOf, policy: policy)
        let promises = PromiseRiskModel.assess(lines: inputs.receiptLines, receipts: inputs.receipts, asOf: inputs.asOf,
                                               threshold: policy.promiseRiskThreshold)
        var seen = Set<String>()
        var substitutes: [SubstitutionAcceptance] = []
        var substituteByLine: [String: [SubstitutionAcceptance]] = [:]
        for c in inputs.substituteCandidates {
            let e = SubstitutionModel.estimate(customerID: c.customerID, sku: c.sku, substituteSKU: c.substituteSKU, family: c.family,
                                               tier: c.tier, history: inputs.substitutionHistory, autoThreshold: policy.substitutionAutoAcceptance)
            if c.planned { substituteByLine[c.key.description, default: []].append(e) }
            if seen.insert("\(c.customerID)|\(c.sku)|\(c.substituteSKU)").inserted { substitutes.append(e) }
        }
        substitutes.sort { ($1.acceptance, $0.customerID, $0.sku) < ($0.acceptance, $1.customerID, $1.sku) }
        let rebalance = RebalancingModel.recommend(risks: stockout, transfers: inputs.transfers, asOf: inputs.asOf, coverDays: policy.stockoutCoverDays)
        let unusual = UnusualDecisionModel.flag(inputs.decisionCandidates, history: inputs.decisionHistory, threshold: policy.unusualZScore)
        let model = OverrideModel(training: inputs.overrideHistory)
        let overrides = inputs.overrideCandidates.map(model.predict).sorted { ($1.probability, $0.line) < ($0.probability, $1.line) }

        var advice: [String: [String]] = [:]
        for p in promises where p.atRisk {
            advice[p.line, default: []].append("receipt \(p.receiptID) from \(p.supplier): \(Fmt.percent(p.probabilityOfMissing, 0)) chance of missing the promise")
        }
        for (line, es) in substituteByLine {
            for e in es where !e.autoEligible {
                advice[line, default: []].append("substitute \(e.substituteSKU): acceptance \(Fmt.percent(e.acceptance, 0)) not proven above \(Fmt.percent(policy.substitutionAutoAcceptance, 0))")
            }
        }
        for u in unusual where u.kind == .recommendation {
            advice[u.line, default: []].append("unusual: " + u.findings.map(\.reason).joined(separator: "; "))
        }
        let hold = advice.keys.sorted().map { ReleaseAdvice(line: $0, reasons: advice[$0]!) }
        return AssistedDecisions(asOf: inputs.asOf, stockout: stockout, promises: promises, substitutes: substitutes, rebalance: rebalance,
                                 unusual: unusual, overrides: overrides, holdForReview: hold)
    }

    /// Backtests every model on the history in `inputs` (earlier `trainFraction` trains, the rest tests).
    public static func evaluate(_ inputs: InsightInputs, policy: Policy.Insight, trainFraction: Double = 0.7) -> EvaluationReport {
        EvaluationReport(
            trainFraction: trainFraction,
            stockout: Backtest.stockout(history: inputs.demand, from: inputs.historyStart, to: inputs.asOf, alpha: policy.demandSmoothing,
                                        trainFraction: trainFraction),
            promises: Backtest.promises(inputs.receipts.filter { $0.firstEta.map { $0 < inputs.asOf } ?? false },
                                        threshold: policy.promiseRiskThreshold, trainFraction: trainFraction),
            substitutes: Backtest.substitutes(inputs.substitutionHistory, autoThreshold: policy.substitutionAutoAcceptance, trainFraction: trainFraction),
            overrides: Backtest.overrides(inputs.overrideHistory, trainFraction: trainFraction),
            unusual: Backtest.unusual(inputs.decisionHistory, threshold: policy.unusualZScore, trainFraction: trainFraction))
    }
}
