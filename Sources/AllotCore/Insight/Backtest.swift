/// Backtests: each model trained on the earlier part of the history and scored on the later part, so the team
/// can see whether a signal is worth trusting before it is allowed to drive anything.

/// How well a yes/no signal did on held-out history.
public struct BinaryScore: Hashable, Sendable, Codable {
    public var model: String
    public var trained: Int
    public var tested: Int
    /// Held-out cases where the event happened.
    public var positives: Int
    /// Held-out cases the model flagged.
    public var flagged: Int
    public var truePositives: Int
    public var precision: Double?
    public var recall: Double?
    /// Mean squared error of the predicted probabilities (lower is better).
    public var brier: Double?
    /// The Brier score of always predicting the training base rate: the bar to beat.
    public var baselineBrier: Double?

    enum CodingKeys: String, CodingKey {
        case model, trained, tested, positives, flagged, truePositives = "true_positives", precision, recall, brier,
             baselineBrier = "baseline_brier"
    }

    /// Scores predictions (probability, flagged?) against what happened.
    public static func score(model: String, trained: Int, baseRate: Double, predictions: [(p: Double, flagged: Bool, actual: Bool)]) -> BinaryScore {
        let tp = predictions.filter { $0.flagged && $0.actual }.count
        let flagged = predictions.filter(\.flagged).count
        let positives = predictions.filter(\.actual).count
        let n = Double(predictions.count)
        return BinaryScore(model: model, trained: trained, tested: predictions.count, positives: positives, flagged: flagged,
                           truePositives: tp,
                           precision: flagged == 0 ? nil : Double(tp) / Double(flagged),
                           recall: positives == 0 ? nil : Double(tp) / Double(positives),
                           brier: predictions.isEmpty ? nil : predictions.reduce(0) { $0 + ($1.p - ($1.actual ? 1 : 0)) * ($1.p - ($1.actual ? 1 : 0)) } / n,
                           baselineBrier: predictions.isEmpty ? nil : predictions.reduce(0) { $0 + (baseRate - ($1.actual ? 1 : 0)) * (baseRate - ($1.actual ? 1 : 0)) } / n)
    }
}

/// How well the demand forecast predicted the later part of each series.
public struct ForecastScore: Hashable, Sendable, Codable {
    public var series: Int
    /// Mean absolute error of the forecast rate against the held-out mean daily demand (units a day).
    public var mae: Double?
    /// The same for the plain mean of the training days: the bar to beat.
    public var naiveMAE: Double?
    /// Mean (forecast − actual): positive means over-forecasting.
    public var bias: Double?
    /// The demand model chosen on the training days (by its error on their last part).
    public var method: DemandMethod?
    /// The held-out MAE of every candidate model, for comparison (the choice was made without seeing these).
    public var methodMAE: [String: Double] = [:]
    enum CodingKeys: String, CodingKey { case series, mae, naiveMAE = "naive_mae", bias, method, methodMAE = "method_mae" }
}

public struct EvaluationReport: Hashable, Sendable, Codable {
    public var trainFraction: Double
    public var stockout: ForecastScore
    public var promises: BinaryScore
    public var substitutes: BinaryScore
    public var overrides: BinaryScore
    public var unusual: BinaryScore
    enum CodingKeys: String, CodingKey { case trainFraction = "train_fraction", stockout, promises, substitutes, overrides, unusual }
}

public enum Backtest {
    /// Splits `xs` (already in time order) into the earlier `fraction` and the rest.
    static func split<T>(_ xs: [T], _ fraction: Double) -> ([T], [T]) {
        let cut = Int((Double(xs.count) * fraction).rounded(.down))
        return (Array(xs[..<cut]), Array(xs[cut...]))
    }

    /// Demand forecast: per sku × warehouse series with at least 21 days; the model is chosen and fitted on the
    /// first part only (exactly as `StockoutModel` does on the whole history), then its rate is compared with the
    /// mean daily demand of the rest.
    public static func stockout(history: [DemandObservation], from: Day, to: Day, alpha: Double, trainFraction: Double) -> ForecastScore {
        let all = Dictionary(grouping: history, by: { "\($0.sku)\u{1F}\($0.warehouseID)" }).sorted { $0.key < $1.key }
            .map { DemandForecast.dailySeries($0.value, from: from, to: to) }.filter { $0.count >= 21 }
        let splits = all.map { split($0, trainFraction) }.filter { !$0.0.isEmpty && !$0.1.isEmpty }
        guard let horizon = splits.first?.1.count else { return ForecastScore(series: 0) }
        let method = DemandForecast.chooseMethod(splits.map(\.0), horizon: horizon, fallbackAlpha: alpha)
        var errors: [Double] = [], naive: [Double] = [], bias: [Double] = [], byMethod: [String: [Double]] = [:]
        for (train, test) in splits {
            guard let actual = Stats.mean(test), let trainMean = Stats.mean(train) else { continue }
            // Every model's forecast is made once; the chosen one's also gives the score.
            var rate = 0.0
            for f in DemandForecast.forecasts(train, methods: DemandMethod.allCases, horizon: test.count, fallbackAlpha: alpha) {
                byMethod[f.method.rawValue, default: []].append(abs(f.rate - actual))
                if f.method == method { rate = f.rate }
            }
            errors.append(abs(rate - actual)); naive.append(abs(trainMean - actual)); bias.append(rate - actual)
        }
        return ForecastScore(series: errors.count, mae: Stats.mean(errors), naiveMAE: Stats.mean(naive), bias: Stats.mean(bias), method: method,
                             methodMAE: byMethod.compactMapValues { Stats.mean($0) })
    }

    /// Promise risk: receipts in order of first eta; did each held-out receipt slip at all (slack 0)?
    public static func promises(_ receipts: [ReceiptEtaHistory], threshold: Double, trainFraction: Double) -> BinaryScore {
        let ordered = receipts.filter { $0.firstEta != nil }.sorted { ($0.firstEta!, $0.receiptID) < ($1.firstEta!, $1.receiptID) }
        let (train, test) = split(ordered, trainFraction)
        let base = BetaEstimate(successes: train.filter { $0.slipDays > 0 }.count, trials: train.count, priorMean: 0.5, priorStrength: 2).mean
        let index = PromiseRiskModel.SlipIndex(train)
        let predictions = test.map { r -> (p: Double, flagged: Bool, actual: Bool) in
            let (est, basis) = PromiseRiskModel.estimate(supplierKey: r.supplierKey, family: r.family, slack: 0, index: index)
            return (est.mean, basis.confidence > .none && est.mean > threshold, r.slipDays > 0)
        }
        return BinaryScore.score(model: "promises", trained: train.count, baseRate: base, predictions: predictions)
    }

    /// Substitution acceptance: offers in time order; flagged = auto-eligible; actual = accepted.
    public static func substitutes(_ outcomes: [SubstitutionOutcome], autoThreshold: Double, trainFraction: Double) -> BinaryScore {
        let ordered = outcomes.sorted { $0.at < $1.at }
        let (train, test) = split(ordered, trainFraction)
        let base = BetaEstimate(successes: train.filter(\.accepted).count, trials: train.count, priorMean: 0.5, priorStrength: 2).mean
        let predictions = test.map { o -> (p: Double, flagged: Bool, actual: Bool) in
            let e = SubstitutionModel.estimate(customerID: o.customerID, sku: o.sku, substituteSKU: o.substituteSKU, family: o.family,
                                               tier: o.tier, history: train, autoThreshold: autoThreshold)
            return (e.acceptance, e.autoEligible, o.accepted)
        }
        return BinaryScore.score(model: "substitutes", trained: train.count, baseRate: base, predictions: predictions)
    }

    /// Override likelihood: recommendations in time order; flagged = likely to be overridden.
    public static func overrides(_ observations: [OverrideObservation], trainFraction: Double) -> BinaryScore {
        let ordered = observations.sorted { $0.at < $1.at }
        let (train, test) = split(ordered, trainFraction)
        let model = OverrideModel(training: train)
        let predictions = test.enumerated().map { i, o -> (p: Double, flagged: Bool, actual: Bool) in
            let r = model.predict(RecommendationFeatures(key: LineKey(orderID: "test", lineNo: i), features: o.features))
            return (r.probability, r.likely, o.overridden)
        }
        return BinaryScore.score(model: "overrides", trained: train.count, baseRate: model.baseRate, predictions: predictions)
    }

    /// Unusual decisions: held-out decisions against the earlier ones; an override counts as the event a flag
    /// should anticipate (a person found the recommendation wrong), so precision is the share of flags that were overrides.
    public static func unusual(_ shapes: [DecisionShape], threshold: Double, trainFraction: Double) -> BinaryScore {
        let (train, test) = split(shapes, trainFraction)
        let flagged = Set(UnusualDecisionModel.flag(test, history: train, threshold: threshold).map(\.line))
        let base = train.isEmpty ? 0 : Double(train.filter { $0.kind == .override }.count) / Double(train.count)
        let predictions = test.map { s -> (p: Double, flagged: Bool, actual: Bool) in
            let f = flagged.contains(s.key.description)
            return (f ? 1 : base, f, s.kind == .override)
        }
        var score = BinaryScore.score(model: "unusual", trained: train.count, baseRate: base, predictions: predictions)
        score.brier = nil; score.baselineBrier = nil  // a flag is not a probability
        return score
    }
}
