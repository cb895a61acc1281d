import AllotCore

/// The lines the insight signals keep from automatic release under the policy's `[insight]` thresholds: a
/// promise resting on a receipt likely to slip, a planned substitute whose acceptance is not proven, a
/// recommendation far from similar past lines. Pass them to `DecisionStore.recordPolicyReleases(holding:)`.
public struct InsightGate {
    public let mirror: Mirror
    public init(mirror: Mirror) { self.mirror = mirror }

    /// The held lines of the current plan, with the reasons, computed as of `asOf`.
    public func advice(asOf: Day, policy: Policy) throws -> [ReleaseAdvice] {
        AssistedDecisions.compute(try InsightReads(mirror: mirror).insightInputs(asOf: asOf, policy: policy), policy: policy.insight).holdForReview
    }

    public func linesToHold(asOf: Day, policy: Policy) throws -> Set<LineKey> {
        Set(try advice(asOf: asOf, policy: policy).compactMap { LineKey($0.line) })
    }
}
