import Foundation
import AllotCore
import AllotStore

/// The engine's options table for a line (`Engine.explain`): every supply that could serve it, priced, with why the
/// engine chose it or not, and for a substitute how likely this customer is to accept it. The planning index and the
/// substitution history are read once per plan and reused, so only the first line is slow.
public final class EngineOptions: SourcingOptionsSource, @unchecked Sendable {
    private let mirror: Mirror
    private let reads: WorkbenchReads
    private let lock = NSLock()
    private var cached: (planID: String, index: PlanningIndex, policy: Policy, substitutions: SubstitutionHistory)?

    public init(mirror: Mirror) { self.mirror = mirror; reads = WorkbenchReads(mirror: mirror) }

    public func options(for key: LineKey) throws -> [SourcingChoice] {
        guard let plan = try reads.currentPlan() else { return [] }
        let asOf = plan.asOf ?? Timestamp(seconds: Date().timeIntervalSince1970).day
        let (index, policy, substitutions) = try context(plan.id)
        // The stored recommendation says what the passes after the solver did to the line, sparing a whole re-plan
        // (seconds on a large mirror) for lines of ship-complete orders or under site capacity. A row that cannot be
        // read back only costs that re-plan.
        let planned = (try? PlanStore(mirror: mirror).recommendation(planID: plan.id, key))??.recommendation
        guard let e = Engine.explain(key, index: index, policy: policy, asOf: asOf, planned: planned) else { return [] }
        return e.options.map { o in
            // A supply the line cannot reach (no lane, too late) offers nothing to an override.
            var choice = SourcingChoice(warehouseID: o.warehouseID, source: o.source, available: o.arrivalDate == nil ? 0 : o.free + o.chosenQty,
                           shipDate: o.shipDate ?? asOf, arrivalDate: o.arrivalDate ?? o.shipDate ?? asOf, daysLate: o.daysLate ?? 0,
                           unitCost: o.unitCost ?? 0, margin: o.marginAfterFreight, chosenQty: o.chosenQty,
                           whyNot: o.isChosen ? "" : o.note)
            choice.mode = o.mode ?? .ground
            if case .substitute(let sub) = o.source {
                choice.acceptance = substitutions.estimate(customerID: e.customerID, sku: e.recommendation.sku, substituteSKU: sub, policy: policy)
            }
            return choice
        }
    }

    private func context(_ planID: String) throws -> (PlanningIndex, Policy, SubstitutionHistory) {
        lock.lock(); defer { lock.unlock() }
        if let c = cached, c.planID == planID { return (c.index, c.policy, c.substitutions) }
        let index = PlanningIndex(try mirror.loadSnapshot())
        let policy = try mirror.storedPolicy()
        let substitutions = try InsightReads(mirror: mirror).substitutionOutcomes()
        cached = (planID, index, policy, substitutions)
        return (index, policy, substitutions)
    }
}
