/// Substitution acceptance: how likely a customer is to accept a substitute, from past decisions, with customers
/// and skus that have little history borrowing from broader groups (a chain of Beta priors: all offers → the
/// family → customers of the same tier in the family → this customer in the family).

/// A past offer of a substitute and whether the customer took it.
public struct SubstitutionOutcome: Hashable, Sendable {
    public var customerID: CustomerID
    public var sku: SKU
    public var substituteSKU: SKU
    /// The ordered sku's family.
    public var family: String?
    /// The customer's tier.
    public var tier: String?
    public var accepted: Bool
    public var at: Timestamp
    public init(customerID: CustomerID, sku: SKU, substituteSKU: SKU, family: String? = nil, tier: String? = nil, accepted: Bool, at: Timestamp) {
        self.customerID = customerID; self.sku = sku; self.substituteSKU = substituteSKU; self.family = family; self.tier = tier
        self.accepted = accepted; self.at = at
    }
}

/// The acceptance estimate for one customer and one substitute.
public struct SubstitutionAcceptance: Hashable, Sendable, Codable {
    public var customerID: CustomerID
    public var sku: SKU
    public var substituteSKU: SKU
    public var acceptance: Double
    /// 80 % credible interval.
    public var interval: [Double]
    /// True when the interval's lower end reaches the policy's auto-acceptance threshold: the substitute may be
    /// released without asking customer service.
    public var autoEligible: Bool
    /// Substitutes this customer accepted, of those offered in the family (or of this sku, without a family).
    public var customerAccepted: Int = 0
    public var customerOffered: Int = 0
    /// Where the estimate mostly comes from when the customer's own answers are too few to carry it
    /// (`"tier A in family MX"`, `"family MX"`, `"all substitutions"`); nil when it rests on the customer's own history.
    public var borrowedFrom: String?
    public var basis: SignalBasis

    enum CodingKeys: String, CodingKey {
        case customerID = "customer_id", sku, substituteSKU = "substitute_sku", acceptance, interval,
             autoEligible = "auto_eligible", customerAccepted = "customer_accepted", customerOffered = "customer_offered",
             borrowedFrom = "borrowed_from", basis
    }

    /// The estimate with its basis in a few words, for beside a substitute option: `accepts 82% (14 of 17)` from the
    /// customer's own answers, `accepts ~64% (tier A in family MX)` when borrowed, `acceptance unknown` with no history at all.
    public var summary: String {
        if customerOffered >= SubstitutionModel.ownHistoryMinimum {
            return "accepts \(Fmt.percent(acceptance, 0)) (\(customerAccepted) of \(customerOffered))"
        }
        guard let borrowedFrom else { return "acceptance unknown (no substitution history)" }
        let own = customerOffered > 0 ? "; own \(customerAccepted) of \(customerOffered)" : ""
        return "accepts ~\(Fmt.percent(acceptance, 0)) (\(borrowedFrom)\(own))"
    }

    /// `summary` without the verb, for a table column: `82% (14 of 17)`, `~64% (tier A)` when borrowed (the
    /// level it leans on, without its family), `?` with no history at all.
    public var columnText: String {
        if customerOffered >= SubstitutionModel.ownHistoryMinimum { return "\(Fmt.percent(acceptance, 0)) (\(customerAccepted) of \(customerOffered))" }
        guard let borrowedFrom else { return "?" }
        let level = borrowedFrom.range(of: " in ").map { String(borrowedFrom[..<$0.lowerBound]) } ?? borrowedFrom
        return "~\(Fmt.percent(acceptance, 0)) (\(level == "all substitutions" ? "all" : level))"
    }

    /// `columnText` squeezed for a narrow column: `82% 14/17`, `~64% tier`, `~64% fam`, `?`.
    public var compactSummary: String {
        if customerOffered >= SubstitutionModel.ownHistoryMinimum { return "\(Fmt.percent(acceptance, 0)) \(customerAccepted)/\(customerOffered)" }
        guard let borrowedFrom else { return "?" }
        let level = borrowedFrom.split(separator: " ").first.map(String.init) ?? ""
        return "~\(Fmt.percent(acceptance, 0)) " + (level == "family" ? "fam" : level)
    }
}

public enum SubstitutionModel {
    public static let priorStrength = 4.0
    /// Offers to the customer (in the family) before the estimate is said to be theirs rather than borrowed: at
    /// fewer, the prior from the tier or family carries at least as much weight as their own answers.
    public static let ownHistoryMinimum = 4

    /// Estimates acceptance of `substituteSKU` for `sku` by `customerID` (of `tier`): over all offers → the
    /// family → the family's offers to customers of the same tier → this customer's answers in the family (a
    /// customer who takes one substitute in a family tends to take the others); each level's rate is the next
    /// one's prior.
    public static func estimate(customerID: CustomerID, sku: SKU, substituteSKU: SKU, family: String?, tier: String? = nil,
                                history: [SubstitutionOutcome], autoThreshold: Double) -> SubstitutionAcceptance {
        func tally(_ xs: [SubstitutionOutcome]) -> (Int, Int) { (xs.filter(\.accepted).count, xs.count) }
        let (ka, na) = tally(history)
        let all = BetaEstimate(successes: ka, trials: na, priorMean: 0.5, priorStrength: 2)
        let famHist = family.map { f in history.filter { $0.family == f } } ?? history.filter { $0.sku == sku }
        let (kf, nf) = tally(famHist)
        let fam = BetaEstimate(successes: kf, trials: nf, priorMean: all.mean, priorStrength: priorStrength)
        let tierHist = tier.map { t in famHist.filter { $0.tier == t } } ?? []
        let (kt, nt) = tally(tierHist)
        let tierEst = BetaEstimate(successes: kt, trials: nt, priorMean: fam.mean, priorStrength: priorStrength)
        let custHist = famHist.filter { $0.customerID == customerID }
        let (kc, nc) = tally(custHist)
        let cust = BetaEstimate(successes: kc, trials: nc, priorMean: tierEst.mean, priorStrength: priorStrength)
        let iv = cust.interval()
        let pair = custHist.filter { $0.sku == sku && $0.substituteSKU == substituteSKU }
        var inputs = ["\(customerID) accepted \(kc) of \(nc) substitute(s) offered\(family.map { " in family \($0)" } ?? "")"
                      + (pair.isEmpty ? "" : ", \(pair.filter(\.accepted).count) of \(pair.count) for \(sku)→\(substituteSKU)")]
        if let tier { inputs.append("tier \(tier) customers\(family.map { " in family \($0)" } ?? ""): \(kt) of \(nt)") }
        inputs.append("\(family.map { "family \($0)" } ?? "sku \(sku)"): \(kf) of \(nf)")
        inputs.append("all substitutions: \(ka) of \(na)")
        // The customer's own history makes a per-customer claim; their tier's history counts a quarter as much.
        let evidence = nc + nt / 4
        // Name the nearest level that has answers: that is what the customer's estimate leans on.
        let borrowed: String? = nc >= ownHistoryMinimum ? nil
            : nt > 0 ? "tier \(tier ?? "")" + (family.map { " in family \($0)" } ?? "")
            : nf > 0 ? (family.map { "family \($0)" } ?? "sku \(sku)")
            : na > 0 ? "all substitutions" : nil
        return SubstitutionAcceptance(customerID: customerID, sku: sku, substituteSKU: substituteSKU, acceptance: cust.mean,
                                      interval: [iv.low, iv.high], autoEligible: iv.low >= autoThreshold,
                                      customerAccepted: kc, customerOffered: nc, borrowedFrom: borrowed,
                                      basis: SignalBasis(inputs: inputs, historySize: nc, confidence: Confidence.from(historySize: evidence)))
    }
}
