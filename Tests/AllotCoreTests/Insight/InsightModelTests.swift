import Testing
@testable import AllotCore

@Suite("Stockout risk")
struct StockoutRiskTests {
    static let asOf = Day("2026-11-29")!
    static let start = asOf - 42

    @Test("steady demand of 10 a day against 50 units runs out in five days and is flagged")
    func plantedRunOut() {
        let history = (0..<42).map { DemandObservation(sku: "MX", warehouseID: "DAL", day: Self.start + $0, qty: 10) }
        let risks = StockoutModel.assess(positions: [StockPosition(sku: "MX", warehouseID: "DAL", atp: 50)], history: history,
                                         historyStart: Self.start, asOf: Self.asOf, policy: Policy().insight)
        let r = risks[0]
        #expect(abs(r.forecast.rate - 10) < 1e-9)
        #expect(abs(r.daysOfCover! - 5) < 1e-9)
        #expect(r.runOutDate == Self.asOf + 5)
        #expect(r.atRisk)
        #expect(r.basis.confidence == .high)
    }

    @Test("an inbound receipt before the run-out extends the cover")
    func inboundExtendsCover() {
        let history = (0..<42).map { DemandObservation(sku: "MX", warehouseID: "DAL", day: Self.start + $0, qty: 10) }
        let p = StockPosition(sku: "MX", warehouseID: "DAL", atp: 50, inbound: [(Self.asOf + 3, 100)])
        let r = StockoutModel.assess(positions: [p], history: history, historyStart: Self.start, asOf: Self.asOf, policy: Policy().insight)[0]
        #expect(abs(r.daysOfCover! - 15) < 1e-9)
        #expect(!r.atRisk)
    }

    @Test("the smoothed rate follows a step in demand")
    func followsStep() {
        let history = (0..<42).map { DemandObservation(sku: "MX", warehouseID: "DAL", day: Self.start + $0, qty: $0 < 28 ? 2 : 20) }
        let r = StockoutModel.assess(positions: [StockPosition(sku: "MX", warehouseID: "DAL", atp: 100)], history: history,
                                     historyStart: Self.start, asOf: Self.asOf, policy: Policy().insight)[0]
        #expect(r.forecast.rate > 19)
        #expect(r.atRisk)  // 100 units at ~20 a day is five days
    }

    @Test("three days of history make no claim, however short the cover looks")
    func tooLittleHistory() {
        let history = (0..<3).map { DemandObservation(sku: "MX", warehouseID: "DAL", day: Self.asOf - 3 + $0, qty: 30) }
        let r = StockoutModel.assess(positions: [StockPosition(sku: "MX", warehouseID: "DAL", atp: 10)], history: history,
                                     historyStart: Self.asOf - 3, asOf: Self.asOf, policy: Policy().insight)[0]
        #expect(r.basis.confidence == .none)
        #expect(!r.atRisk)
    }

    @Test("noisy demand well covered by stock is not flagged and reports its forecast error")
    func noiseNotFlagged() {
        var rng = SeededRandom(state: 7)
        let history = (0..<42).map { DemandObservation(sku: "MX", warehouseID: "DAL", day: Self.start + $0, qty: Int.random(in: 0...10, using: &rng)) }
        let r = StockoutModel.assess(positions: [StockPosition(sku: "MX", warehouseID: "DAL", atp: 400)], history: history,
                                     historyStart: Self.start, asOf: Self.asOf, policy: Policy().insight)[0]
        #expect(!r.atRisk)
        #expect(r.forecast.errorSD! > 1)
        #expect(r.stockoutProbability! < 0.01)
    }

    /// Twenty series of `days` days: each day's demand from `daily(series, day, rng)`.
    static func series(_ days: Int, seed: UInt64, _ daily: (Int, Int, inout SeededRandom) -> Int) -> [DemandObservation] {
        var rng = SeededRandom(state: seed)
        var out: [DemandObservation] = []
        for s in 0..<20 { for d in 0..<days {
            let q = daily(s, d, &rng)
            if q > 0 { out.append(DemandObservation(sku: "S\(s)", warehouseID: "DAL", day: asOf - days + d, qty: q)) }
        } }
        return out
    }

    /// Stationary lumpy demand is where a plain mean is hardest to beat (the sample's gain comes from demand that
    /// shifts); the chosen model must not do much worse there.
    @Test("on stationary lumpy demand (small orders most days, now and then a huge one) the forecast stays close to the plain mean")
    func lumpyDemandStaysNearMean() {
        let history = Self.series(56, seed: 11) { s, _, rng in
            let small = rng.next() % 3 == 0 ? Int(rng.next() % 8) + 1 : 0
            return small + (rng.next() % 25 == 0 ? 60 + 10 * (s % 5) : 0)
        }
        let score = Backtest.stockout(history: history, from: Self.asOf - 56, to: Self.asOf, alpha: 0.3, trainFraction: 0.7)
        #expect(score.series == 20)
        #expect(score.mae! < score.naiveMAE! * 1.15, "model \(String(describing: score.method)): \(score.mae!) vs mean \(score.naiveMAE!); \(score.methodMAE)")
    }

    @Test("demand ramping up is found: a trend model is chosen and forecasts above the history's mean, beating it held out")
    func rampIsFound() {
        let history = Self.series(56, seed: 5) { _, d, rng in Int((2 + Double(d) * 0.3) * Double.random(in: 0.6...1.4, using: &rng)) }
        let score = Backtest.stockout(history: history, from: Self.asOf - 56, to: Self.asOf, alpha: 0.3, trainFraction: 0.7)
        #expect(score.method != .cleanedMean)
        #expect(score.mae! < score.naiveMAE! / 2)
        let r = StockoutModel.assess(positions: [StockPosition(sku: "S0", warehouseID: "DAL", atp: 100)], history: history,
                                     historyStart: Self.asOf - 56, asOf: Self.asOf, policy: Policy().insight)[0]
        #expect(r.forecast.rate > 14)  // the last weeks run at 15–19 a day; the 56-day mean is about 10
    }

    @Test("on flat noise the forecast claims no trend and stays near the true rate")
    func flatNoiseNoTrend() {
        let history = Self.series(56, seed: 9) { _, _, rng in Int(rng.next() % 11) }
        let risks = StockoutModel.assess(positions: (0..<20).map { StockPosition(sku: "S\($0)", warehouseID: "DAL", atp: 1000) }, history: history,
                                         historyStart: Self.asOf - 56, asOf: Self.asOf, policy: Policy().insight)
        for r in risks {
            #expect(abs(r.forecast.rate - 5) < 1.5, "\(r.sku): \(r.forecast.rate) by \(r.forecast.method)")
            #expect(abs(r.forecast.trendPerDay ?? 0) < 0.05)
            #expect(!r.atRisk)
        }
    }

    @Test("rebalancing moves surplus from a well-stocked warehouse to one about to run out, before the run-out")
    func rebalance() {
        let history = (0..<42).flatMap { i in [DemandObservation(sku: "MX", warehouseID: "DAL", day: Self.start + i, qty: 10),
                                               DemandObservation(sku: "MX", warehouseID: "ATL", day: Self.start + i, qty: 10)] }
        let risks = StockoutModel.assess(positions: [StockPosition(sku: "MX", warehouseID: "DAL", atp: 20),
                                                     StockPosition(sku: "MX", warehouseID: "ATL", atp: 500)],
                                         history: history, historyStart: Self.start, asOf: Self.asOf, policy: Policy().insight)
        let recs = RebalancingModel.recommend(risks: risks, transfers: [Transfer(from: "ATL", to: "DAL", leadDays: 1, costPerUnit: 0.5)],
                                              asOf: Self.asOf, coverDays: 7)
        #expect(recs.count == 1)
        let t = recs[0]
        #expect(t.from == "ATL" && t.to == "DAL")
        #expect(t.qty == 50)  // 7 days × 10 − 2 days of cover × 10
        #expect(t.arrivalDate == Self.asOf + 1 && t.beforeShortage)
        #expect(t.cost == 25)
    }

    @Test("no transfer lane, no recommendation")
    func noLane() {
        let history = (0..<42).flatMap { i in [DemandObservation(sku: "MX", warehouseID: "DAL", day: Self.start + i, qty: 10),
                                               DemandObservation(sku: "MX", warehouseID: "ATL", day: Self.start + i, qty: 10)] }
        let risks = StockoutModel.assess(positions: [StockPosition(sku: "MX", warehouseID: "DAL", atp: 20),
                                                     StockPosition(sku: "MX", warehouseID: "ATL", atp: 500)],
                                         history: history, historyStart: Self.start, asOf: Self.asOf, policy: Policy().insight)
        #expect(RebalancingModel.recommend(risks: risks, transfers: [], asOf: Self.asOf, coverDays: 7).isEmpty)
    }
}

@Suite("At-risk promises")
struct PromiseRiskTests {
    static let asOf = Day("2026-11-29")!

    /// Supplier SLOW slips 9 times in 10 by 3–6 days; the other suppliers almost never slip.
    static func history() -> [ReceiptEtaHistory] {
        var rng = SeededRandom(state: 11)
        var out: [ReceiptEtaHistory] = []
        for i in 0..<60 {
            let supplier = ["SLOW", "FAST", "STEADY"][i % 3]
            let first = asOf - 60 + i
            let slips: Bool = supplier == "SLOW" ? Double.random(in: 0..<1, using: &rng) < 0.9 : Double.random(in: 0..<1, using: &rng) < 0.05
            let etas = slips ? [first, first + Int.random(in: 3...6, using: &rng)] : [first]
            out.append(ReceiptEtaHistory(receiptID: "R\(i)", supplier: supplier, sku: "S\(i % 5)", family: "F", etas: etas))
        }
        return out
    }

    @Test("a line waiting on the supplier that keeps slipping is flagged; the same line on a reliable supplier is not")
    func plantedSlipper() {
        var receipts = Self.history()
        receipts.append(ReceiptEtaHistory(receiptID: "OPEN-SLOW", supplier: "SLOW", sku: "S1", family: "F", etas: [Self.asOf + 5]))
        receipts.append(ReceiptEtaHistory(receiptID: "OPEN-FAST", supplier: "FAST", sku: "S1", family: "F", etas: [Self.asOf + 5]))
        let lines = [ReceiptDependentLine(key: LineKey(orderID: "A", lineNo: 1), receiptID: "OPEN-SLOW", arrivalDate: Self.asOf + 7, requestedDate: Self.asOf + 8),
                     ReceiptDependentLine(key: LineKey(orderID: "B", lineNo: 1), receiptID: "OPEN-FAST", arrivalDate: Self.asOf + 7, requestedDate: Self.asOf + 8)]
        let risks = PromiseRiskModel.assess(lines: lines, receipts: receipts, asOf: Self.asOf, threshold: 0.5)
        let slow = risks.first { $0.receiptID == "OPEN-SLOW" }!, fast = risks.first { $0.receiptID == "OPEN-FAST" }!
        #expect(slow.atRisk && slow.probabilityOfMissing > 0.7)
        #expect(!fast.atRisk && fast.probabilityOfMissing < 0.2)
        #expect(slow.basis.historySize == 20 && slow.basis.confidence == .medium)
    }

    @Test("more slack than any past slip lowers the risk")
    func slackMatters() {
        let receipts = Self.history()
        let (tight, _) = PromiseRiskModel.estimate(supplierKey: "SLOW", family: "F", slack: 0, history: receipts)
        let (loose, _) = PromiseRiskModel.estimate(supplierKey: "SLOW", family: "F", slack: 10, history: receipts)
        #expect(tight.mean > 0.7 && loose.mean < 0.2)
    }

    @Test("a supplier never seen borrows the overall rate and claims no confidence")
    func unknownSupplier() {
        let (est, basis) = PromiseRiskModel.estimate(supplierKey: "NEW", family: "F", slack: 0, history: Self.history())
        #expect(basis.confidence == .none && basis.historySize == 0)
        #expect(est.mean > 0.2 && est.mean < 0.5)  // about the overall third of slips
    }

    @Test("the backtest finds the slipping supplier on held-out receipts")
    func backtest() {
        let score = Backtest.promises(Self.history(), threshold: 0.5, trainFraction: 0.6)
        #expect(score.precision! > 0.7 && score.recall! > 0.7)
        #expect(score.brier! < score.baselineBrier!)
    }
}

@Suite("Substitution acceptance")
struct SubstitutionAcceptanceTests {
    static let t = Timestamp("2026-11-01T00:00:00Z")!

    static func outcomes(_ c: String, _ accepted: Int, of n: Int, sku: String = "A", sub: String = "B", family: String = "F") -> [SubstitutionOutcome] {
        (0..<n).map { SubstitutionOutcome(customerID: c, sku: sku, substituteSKU: sub, family: family, accepted: $0 < accepted,
                                          at: Timestamp(seconds: t.seconds + Double($0) * 3600)) }
    }

    @Test("a customer who always accepts becomes auto-eligible; one who always refuses does not")
    func planted() {
        let history = Self.outcomes("YES", 15, of: 15) + Self.outcomes("NO", 0, of: 15) + Self.outcomes("MID", 6, of: 10)
        let yes = SubstitutionModel.estimate(customerID: "YES", sku: "A", substituteSKU: "B", family: "F", history: history, autoThreshold: 0.8)
        let no = SubstitutionModel.estimate(customerID: "NO", sku: "A", substituteSKU: "B", family: "F", history: history, autoThreshold: 0.8)
        #expect(yes.acceptance > 0.85 && yes.autoEligible)
        #expect(no.acceptance < 0.15 && !no.autoEligible)
        #expect(yes.basis.confidence >= .medium)
    }

    @Test("a new customer borrows the family's rate and is not auto-released on it")
    func newCustomerBorrows() {
        let history = Self.outcomes("OLD1", 9, of: 10) + Self.outcomes("OLD2", 9, of: 10, sku: "C", sub: "D")
        let e = SubstitutionModel.estimate(customerID: "NEW", sku: "X", substituteSKU: "Y", family: "F", history: history, autoThreshold: 0.8)
        #expect(e.acceptance > 0.7)  // borrowed from the family
        #expect(!e.autoEligible)
        #expect(e.basis.historySize == 0 && e.basis.confidence == .none)
    }

    @Test("beside an option, the estimate names its basis: the customer's own answers, or the level it borrows from")
    func summaryNamesItsBasis() {
        let history = Self.outcomes("OWN", 14, of: 17) + Self.outcomes("OLD", 9, of: 10)
        let own = SubstitutionModel.estimate(customerID: "OWN", sku: "A", substituteSKU: "B", family: "F", history: history, autoThreshold: 0.8)
        #expect(own.borrowedFrom == nil && (own.customerAccepted, own.customerOffered) == (14, 17))
        #expect(own.summary == "accepts \(Fmt.percent(own.acceptance, 0)) (14 of 17)")
        #expect(own.compactSummary == "\(Fmt.percent(own.acceptance, 0)) 14/17")
        let new = SubstitutionModel.estimate(customerID: "NEW", sku: "A", substituteSKU: "B", family: "F", history: history, autoThreshold: 0.8)
        #expect(new.borrowedFrom == "family F")
        #expect(new.summary.hasPrefix("accepts ~") && new.summary.hasSuffix("(family F)"))
        let nothing = SubstitutionModel.estimate(customerID: "NEW", sku: "A", substituteSKU: "B", family: "F", history: [], autoThreshold: 0.8)
        #expect(nothing.borrowedFrom == nil && nothing.compactSummary == "?")
    }

    @Test("two lucky acceptances are not enough to release automatically")
    func fewObservations() {
        let history = Self.outcomes("C", 2, of: 2)
        let e = SubstitutionModel.estimate(customerID: "C", sku: "A", substituteSKU: "B", family: "F", history: history, autoThreshold: 0.8)
        #expect(!e.autoEligible)
        #expect(e.basis.confidence < .medium)
    }

    @Test("on coin-flip history nothing is auto-eligible in the backtest")
    func noise() {
        var rng = SeededRandom(state: 3)
        let history = (0..<200).map { i in
            SubstitutionOutcome(customerID: "C\(i % 10)", sku: "A", substituteSKU: "B", family: "F", accepted: Bool.random(using: &rng),
                                at: Timestamp(seconds: Self.t.seconds + Double(i) * 3600))
        }
        let score = Backtest.substitutes(history, autoThreshold: 0.8, trainFraction: 0.6)
        #expect(score.flagged == 0)
    }
}

@Suite("Unusual decisions")
struct UnusualDecisionTests {
    static func shapes(_ n: Int, rng: inout SeededRandom) -> [DecisionShape] {
        (0..<n).map { i in DecisionShape(key: LineKey(orderID: "H\(i)", lineNo: 1), kind: .recommendation, sku: "S", family: "F",
                                         qty: Double(Int.random(in: 8...12, using: &rng)), costPerUnit: Double.random(in: 1.9...2.1, using: &rng),
                                         sourceDistance: Double(Int.random(in: 2...3, using: &rng))) }
    }

    @Test("an override shipping from four times further away than usual is flagged with that reason")
    func planted() {
        var rng = SeededRandom(state: 5)
        let history = Self.shapes(40, rng: &rng)
        let odd = DecisionShape(key: LineKey(orderID: "X", lineNo: 1), kind: .override, sku: "S", family: "F", qty: 10, costPerUnit: 2.0, sourceDistance: 11)
        let normal = DecisionShape(key: LineKey(orderID: "N", lineNo: 1), kind: .override, sku: "S", family: "F", qty: 10, costPerUnit: 2.0, sourceDistance: 3)
        let flags = UnusualDecisionModel.flag([odd, normal], history: history, threshold: 3.5)
        #expect(flags.map(\.line) == ["X:1"])
        #expect(flags[0].findings.map(\.feature) == ["source_distance"])
        #expect(flags[0].findings[0].reason.contains("40 similar lines"))
    }

    @Test("draws from the same distribution as the history are rarely flagged")
    func noise() {
        var rng = SeededRandom(state: 9)
        let history = Self.shapes(60, rng: &rng)
        let fresh = Self.shapes(60, rng: &rng).map { s -> DecisionShape in var s = s; s.key.orderID = "F" + s.key.orderID; return s }
        #expect(UnusualDecisionModel.flag(fresh, history: history, threshold: 3.5).count <= 1)
    }

    @Test("with fewer than twenty similar lines the model stays silent")
    func fewPeers() {
        var rng = SeededRandom(state: 1)
        let history = Self.shapes(5, rng: &rng)
        let odd = DecisionShape(key: LineKey(orderID: "X", lineNo: 1), kind: .override, sku: "S", family: "F", qty: 1000, costPerUnit: 99, sourceDistance: 30)
        #expect(UnusualDecisionModel.flag([odd], history: history, threshold: 3.5).isEmpty)
    }
}

@Suite("Override likelihood")
struct OverrideLikelihoodTests {
    static let t = Timestamp("2026-11-01T00:00:00Z")!

    @Test("planners who nearly always override recommendations from one warehouse: the model learns it")
    func planted() {
        var rng = SeededRandom(state: 21)
        let history = (0..<300).map { i -> OverrideObservation in
            let wh = ["DAL", "ATL", "RNO"][i % 3]
            let p = wh == "RNO" ? 0.85 : 0.08
            return OverrideObservation(features: ["warehouse": wh, "tier": ["A", "B"][i % 2], "family": "F\(i % 4)"],
                                       overridden: Double.random(in: 0..<1, using: &rng) < p, at: Timestamp(seconds: Self.t.seconds + Double(i) * 600))
        }
        let model = OverrideModel(training: history)
        let rno = model.predict(RecommendationFeatures(key: LineKey(orderID: "N", lineNo: 1), features: ["warehouse": "RNO", "tier": "A", "family": "F1"]))
        let dal = model.predict(RecommendationFeatures(key: LineKey(orderID: "D", lineNo: 1), features: ["warehouse": "DAL", "tier": "A", "family": "F1"]))
        #expect(rno.likely && rno.probability > 0.7)
        #expect(!dal.likely && dal.probability < 0.2)
        #expect(rno.terms.max { abs($0.weight) < abs($1.weight) }?.feature == "warehouse")
        let score = Backtest.overrides(history, trainFraction: 0.6)
        #expect(score.precision! > 0.7 && score.recall! > 0.7)
        #expect(score.brier! < score.baselineBrier!)
    }

    @Test("overrides at random: nothing is called likely")
    func noise() {
        var rng = SeededRandom(state: 4)
        let history = (0..<300).map { i in
            OverrideObservation(features: ["warehouse": ["DAL", "ATL", "RNO"][i % 3], "tier": ["A", "B"][i % 2], "family": "F\(i % 4)"],
                                overridden: Double.random(in: 0..<1, using: &rng) < 0.2, at: Timestamp(seconds: Self.t.seconds + Double(i) * 600))
        }
        let score = Backtest.overrides(history, trainFraction: 0.6)
        #expect(score.flagged == 0)
    }

    @Test("two past decisions claim no confidence")
    func tooLittle() {
        let model = OverrideModel(training: [OverrideObservation(features: ["warehouse": "DAL"], overridden: true, at: Self.t),
                                             OverrideObservation(features: ["warehouse": "DAL"], overridden: true, at: Self.t)])
        let r = model.predict(RecommendationFeatures(key: LineKey(orderID: "A", lineNo: 1), features: ["warehouse": "DAL"]))
        #expect(r.basis.confidence == .none && !r.likely)
    }
}

@Suite("Robust statistics")
struct StatisticsTests {
    @Test("the modified z-score uses the median absolute deviation")
    func robustZ() {
        // median 3, deviations [2,1,0,1,2] → MAD 1; z(10) = 0.6745 × 7
        #expect(abs(Stats.robustZ(10, peers: [1, 2, 3, 4, 5])! - 0.6745 * 7) < 1e-12)
        #expect(Stats.robustZ(3, peers: [3, 3, 3]) == nil)
    }

    @Test("a Beta estimate with no trials is its prior mean")
    func betaPrior() {
        #expect(BetaEstimate(successes: 0, trials: 0, priorMean: 0.3, priorStrength: 4).mean == 0.3)
        #expect(abs(BetaEstimate(successes: 8, trials: 10, priorMean: 0.5, priorStrength: 2).mean - 9.0 / 12) < 1e-12)
    }
}
