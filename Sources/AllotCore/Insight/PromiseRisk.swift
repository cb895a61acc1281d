/// At-risk promises: lines whose promise rests on a receipt, scored by how often that receipt's supplier let
/// etas slip before (the history of `receipt.upserted` eta changes).

/// The eta history of one receipt, oldest first.
public struct ReceiptEtaHistory: Hashable, Sendable {
    public var receiptID: String
    /// The supplier when known; otherwise the sku stands in for it (one sku usually comes from one supplier).
    public var supplier: String?
    public var sku: SKU
    public var family: String?
    /// Every eta the receipt was given, in the order they were announced.
    public var etas: [Day]

    public init(receiptID: String, supplier: String? = nil, sku: SKU, family: String? = nil, etas: [Day]) {
        self.receiptID = receiptID; self.supplier = supplier; self.sku = sku; self.family = family; self.etas = etas
    }

    /// Whom the slip history is kept for.
    public var supplierKey: String { supplier ?? "sku \(sku)" }
    /// Days between the first announced eta and the last.
    public var slipDays: Int { (etas.last.map { l in etas.first.map { l - $0 } ?? 0 }) ?? 0 }
    public var firstEta: Day? { etas.first }
}

/// A planned line that depends on a receipt, and how much room its promise has.
public struct ReceiptDependentLine: Hashable, Sendable {
    public var key: LineKey
    public var receiptID: String
    /// The planned arrival at the customer and the requested date: the slack is what a slip may eat.
    public var arrivalDate: Day
    public var requestedDate: Day
    public init(key: LineKey, receiptID: String, arrivalDate: Day, requestedDate: Day) {
        self.key = key; self.receiptID = receiptID; self.arrivalDate = arrivalDate; self.requestedDate = requestedDate
    }
    public var slackDays: Int { max(0, requestedDate - arrivalDate) }
}

/// The estimated chance that a line misses its promise because its receipt slips.
public struct PromiseRisk: Hashable, Sendable, Codable {
    public var line: String
    public var receiptID: String
    public var supplier: String
    public var slackDays: Int
    /// Probability that the receipt slips by more than the slack.
    public var probabilityOfMissing: Double
    public var interval: [Double]
    public var atRisk: Bool
    public var basis: SignalBasis

    enum CodingKeys: String, CodingKey {
        case line, receiptID = "receipt_id", supplier, slackDays = "slack_days", probabilityOfMissing = "probability_of_missing",
             interval, atRisk = "at_risk", basis
    }
}

public enum PromiseRiskModel {
    /// Pseudo-observations the broader group's slip rate weighs in a supplier's estimate.
    public static let priorStrength = 4.0

    /// The probability that a receipt from `supplierKey` (sku `sku`, family `family`) slips by more than `slack`
    /// days, from the settled receipts in `history`: supplier rate shrunk toward the family rate, itself shrunk
    /// toward the rate over all receipts (which starts from an even Beta(1, 1)).
    public static func estimate(supplierKey: String, family: String?, slack: Int, history: [ReceiptEtaHistory]) -> (BetaEstimate, SignalBasis) {
        func count(_ xs: [ReceiptEtaHistory]) -> (Int, Int) { (xs.filter { $0.slipDays > slack }.count, xs.count) }
        let (ka, na) = count(history)
        let all = BetaEstimate(successes: ka, trials: na, priorMean: 0.5, priorStrength: 2)
        let famHist = family.map { f in history.filter { $0.family == f } } ?? []
        let (kf, nf) = count(famHist)
        let fam = BetaEstimate(successes: kf, trials: nf, priorMean: all.mean, priorStrength: priorStrength)
        let supHist = history.filter { $0.supplierKey == supplierKey }
        let (ks, ns) = count(supHist)
        let sup = BetaEstimate(successes: ks, trials: ns, priorMean: fam.mean, priorStrength: priorStrength)
        var inputs = ["\(supplierKey): \(ks) of \(ns) past receipts slipped more than \(slack) day(s)"]
        if let family { inputs.append("family \(family): \(kf) of \(nf)") }
        inputs.append("all suppliers: \(ka) of \(na)")
        if let worst = supHist.map(\.slipDays).max(), worst > 0 { inputs.append("\(supplierKey)'s worst slip: \(worst) day(s)") }
        return (sup, SignalBasis(inputs: inputs, historySize: ns, confidence: Confidence.from(historySize: ns)))
    }

    /// Scores every receipt-dependent line. `history` holds all receipts' eta histories; those whose first eta is
    /// before `asOf` are settled and used for learning, the open ones (the lines' receipts) are scored.
    public static func assess(lines: [ReceiptDependentLine], receipts: [ReceiptEtaHistory], asOf: Day, threshold: Double) -> [PromiseRisk] {
        let settled = receipts.filter { r in r.firstEta.map { $0 < asOf } ?? false }
        let byID = Dictionary(receipts.map { ($0.receiptID, $0) }, uniquingKeysWith: { a, _ in a })
        return lines.compactMap { line -> PromiseRisk? in
            guard let r = byID[line.receiptID] else { return nil }
            // A receipt that has already slipped has already eaten part of the slack.
            let eaten = r.slipDays
            let (est, basis) = estimate(supplierKey: r.supplierKey, family: r.family, slack: line.slackDays, history: settled.filter { $0.receiptID != r.receiptID })
            var b = basis
            if eaten > 0 { b.inputs.append("this receipt has already slipped \(eaten) day(s)") }
            let iv = est.interval()
            return PromiseRisk(line: line.key.description, receiptID: r.receiptID, supplier: r.supplierKey, slackDays: line.slackDays,
                               probabilityOfMissing: est.mean, interval: [iv.low, iv.high],
                               atRisk: b.confidence > .none && est.mean > threshold, basis: b)
        }.sorted { ($1.probabilityOfMissing, $0.line) < ($0.probabilityOfMissing, $1.line) }
    }
}
