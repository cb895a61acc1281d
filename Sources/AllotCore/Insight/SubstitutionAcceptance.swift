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
    public var basis: SignalBasis

    enum CodingKeys: String, CodingKey {
        case customerID = "customer_id", sku, substituteSKU = "substitute_sku", acceptance, interval,
             autoEligible = "auto_eligible", basis
    }
}

public enum SubstitutionModel {
    public static let priorStrength = 4.0

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
        return SubstitutionAcceptance(customerID: customerID, sku: sku, substituteSKU: substituteSKU, acceptance: cust.mean,
                                      interval: [iv.low, iv.high], autoEligible: iv.low >= autoThreshold,
                                      basis: SignalBasis(inputs: inputs, historySize: nc, confidence: Confidence.from(historySize: evidence)))
    }
}
