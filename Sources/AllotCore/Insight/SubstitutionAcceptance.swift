/// Substitution acceptance: how likely a customer is to accept a substitute, from past decisions, with customers
/// and skus that have little history borrowing from broader groups (a chain of Beta priors).

/// A past offer of a substitute and whether the customer took it.
public struct SubstitutionOutcome: Hashable, Sendable {
    public var customerID: CustomerID
    public var sku: SKU
    public var substituteSKU: SKU
    /// The ordered sku's family.
    public var family: String?
    public var accepted: Bool
    public var at: Timestamp
    public init(customerID: CustomerID, sku: SKU, substituteSKU: SKU, family: String? = nil, accepted: Bool, at: Timestamp) {
        self.customerID = customerID; self.sku = sku; self.substituteSKU = substituteSKU; self.family = family
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

    /// Estimates acceptance of `substituteSKU` for `sku` by `customerID`: over all offers → the family → this
    /// substitute pair (all customers) → this customer and pair; each level's rate is the next one's prior.
    public static func estimate(customerID: CustomerID, sku: SKU, substituteSKU: SKU, family: String?,
                                history: [SubstitutionOutcome], autoThreshold: Double) -> SubstitutionAcceptance {
        func tally(_ xs: [SubstitutionOutcome]) -> (Int, Int) { (xs.filter(\.accepted).count, xs.count) }
        let (ka, na) = tally(history)
        let all = BetaEstimate(successes: ka, trials: na, priorMean: 0.5, priorStrength: 2)
        let famHist = family.map { f in history.filter { $0.family == f } } ?? []
        let (kf, nf) = tally(famHist)
        let fam = BetaEstimate(successes: kf, trials: nf, priorMean: all.mean, priorStrength: priorStrength)
        let pairHist = history.filter { $0.sku == sku && $0.substituteSKU == substituteSKU }
        let (kp, np) = tally(pairHist)
        let pair = BetaEstimate(successes: kp, trials: np, priorMean: fam.mean, priorStrength: priorStrength)
        let custHist = pairHist.filter { $0.customerID == customerID }
        let (kc, nc) = tally(custHist)
        let cust = BetaEstimate(successes: kc, trials: nc, priorMean: pair.mean, priorStrength: priorStrength)
        let iv = cust.interval()
        var inputs = ["\(customerID) accepted \(sku)→\(substituteSKU) \(kc) of \(nc) time(s)",
                      "all customers: \(kp) of \(np)"]
        if let family { inputs.append("family \(family): \(kf) of \(nf)") }
        inputs.append("all substitutions: \(ka) of \(na)")
        // Customer-level history is what makes a per-customer claim; pair history counts half as much.
        let evidence = nc + np / 2
        return SubstitutionAcceptance(customerID: customerID, sku: sku, substituteSKU: substituteSKU, acceptance: cust.mean,
                                      interval: [iv.low, iv.high], autoEligible: iv.low >= autoThreshold,
                                      basis: SignalBasis(inputs: inputs, historySize: nc, confidence: Confidence.from(historySize: evidence)))
    }
}
