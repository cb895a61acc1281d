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

    /// Settled receipts' slips grouped for counting: per supplier, per family and overall, each sorted, so that
    /// "how many slipped more than `slack` days" is a binary search, whatever the number of lines scored.
    public struct SlipIndex: Sendable {
        var all: [Int] = []
        var byFamily: [String: [Int]] = [:]
        var bySupplier: [String: [Int]] = [:]

        public init(_ history: [ReceiptEtaHistory]) {
            for r in history {
                all.append(r.slipDays)
                if let f = r.family { byFamily[f, default: []].append(r.slipDays) }
                bySupplier[r.supplierKey, default: []].append(r.slipDays)
            }
            all.sort()
            for k in byFamily.keys { byFamily[k]!.sort() }
            for k in bySupplier.keys { bySupplier[k]!.sort() }
        }

        /// (slipped more than `slack`, total) in a sorted list.
        static func count(_ sorted: [Int], over slack: Int) -> (Int, Int) {
            var lo = 0, hi = sorted.count
            while lo < hi { let mid = (lo + hi) / 2; if sorted[mid] <= slack { lo = mid + 1 } else { hi = mid } }
            return (sorted.count - lo, sorted.count)
        }
    }

    /// The probability that a receipt from `supplierKey` (family `family`) slips by more than `slack` days, from
    /// the settled receipts in `history`: supplier rate shrunk toward the family rate, itself shrunk toward the
    /// rate over all receipts (which starts from an even Beta(1, 1)).
    public static func estimate(supplierKey: String, family: String?, slack: Int, history: [ReceiptEtaHistory]) -> (BetaEstimate, SignalBasis) {
        estimate(supplierKey: supplierKey, family: family, slack: slack, index: SlipIndex(history))
    }

    public static func estimate(supplierKey: String, family: String?, slack: Int, index: SlipIndex,
                                excluding own: ReceiptEtaHistory? = nil) -> (BetaEstimate, SignalBasis) {
        // A receipt is never its own evidence.
        let mine = own.map { $0.slipDays > slack ? 1 : 0 } ?? 0, one = own == nil ? 0 : 1
        var (ka, na) = SlipIndex.count(index.all, over: slack)
        ka -= mine; na -= one
        let all = BetaEstimate(successes: ka, trials: na, priorMean: 0.5, priorStrength: 2)
        var (kf, nf) = family.map { SlipIndex.count(index.byFamily[$0] ?? [], over: slack) } ?? (0, 0)
        if family != nil && own?.family == family { kf -= mine; nf -= one }
        let fam = BetaEstimate(successes: kf, trials: nf, priorMean: all.mean, priorStrength: priorStrength)
        let supplierSlips = index.bySupplier[supplierKey] ?? []
        var (ks, ns) = SlipIndex.count(supplierSlips, over: slack)
        if own?.supplierKey == supplierKey { ks -= mine; ns -= one }
        let sup = BetaEstimate(successes: ks, trials: ns, priorMean: fam.mean, priorStrength: priorStrength)
        var inputs = ["\(supplierKey): \(ks) of \(ns) past receipts slipped more than \(slack) day(s)"]
        if let family { inputs.append("family \(family): \(kf) of \(nf)") }
        inputs.append("all suppliers: \(ka) of \(na)")
        if let worst = supplierSlips.last, worst > 0 { inputs.append("\(supplierKey)'s worst slip: \(worst) day(s)") }
        return (sup, SignalBasis(inputs: inputs, historySize: ns, confidence: Confidence.from(historySize: ns)))
    }

    /// Scores every receipt-dependent line. `receipts` holds all receipts' eta histories; those whose first eta is
    /// before `asOf` are settled and used for learning, the open ones (the lines' receipts) are scored.
    public static func assess(lines: [ReceiptDependentLine], receipts: [ReceiptEtaHistory], asOf: Day, threshold: Double) -> [PromiseRisk] {
        let settled = receipts.filter { r in r.firstEta.map { $0 < asOf } ?? false }
        let settledIDs = Set(settled.map(\.receiptID))
        let index = SlipIndex(settled)
        let byID = Dictionary(receipts.map { ($0.receiptID, $0) }, uniquingKeysWith: { a, _ in a })
        return lines.compactMap { line -> PromiseRisk? in
            guard let r = byID[line.receiptID] else { return nil }
            let (est, basis) = estimate(supplierKey: r.supplierKey, family: r.family, slack: line.slackDays, index: index,
                                        excluding: settledIDs.contains(r.receiptID) ? r : nil)
            var b = basis
            // A receipt that has already slipped has already eaten part of the slack.
            if r.slipDays > 0 { b.inputs.append("this receipt has already slipped \(r.slipDays) day(s)") }
            let iv = est.interval()
            return PromiseRisk(line: line.key.description, receiptID: r.receiptID, supplier: r.supplierKey, slackDays: line.slackDays,
                               probabilityOfMissing: est.mean, interval: [iv.low, iv.high],
                               atRisk: b.confidence > .none && est.mean > threshold, basis: b)
        }.sorted { ($1.probabilityOfMissing, $0.line) < ($0.probabilityOfMissing, $1.line) }
    }
}
