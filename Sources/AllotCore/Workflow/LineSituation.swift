/// The current recommendation of a line in the current plan, with the version a decision must answer.
public struct CurrentRecommendation: Hashable, Sendable {
    public var planID: String
    /// Increases each time a re-plan changes the line's recommendation.
    public var version: Int
    public var line: LineRecommendation
    public init(planID: String, version: Int, line: LineRecommendation) {
        self.planID = planID; self.version = version; self.line = line
    }
}

/// Everything the workflow needs to know about one line to judge a decision on it: its workflow state and
/// version, the decided allocation, the current recommendation, and the order and customer it belongs to.
public struct LineSituation: Hashable, Sendable {
    public var key: LineKey
    public var state: LineState
    /// Increases with every decision on the line (0 = never decided): the optimistic-concurrency token.
    public var version: Int
    /// A change in the mirror (stock, receipt, order) touched the line after it was decided.
    public var needsRecheck: Bool
    public var recheckReason: String?
    /// The allocation the line's last decision settled on (accepted, overridden, proposed, approved or released).
    public var allocation: [Allocation]
    /// The recommendation version the last decision answered.
    public var decidedRecVersion: Int?
    /// Who escalated the line (for the no-self-approval rule).
    public var escalatedBy: String?
    /// Who made the last decision, for stale messages.
    public var lastDecidedBy: String?
    public var recommendation: CurrentRecommendation?
    public var orderLine: OrderLine?
    public var order: Order?
    public var customer: Customer?

    public init(key: LineKey, state: LineState = .recommended, version: Int = 0, needsRecheck: Bool = false, recheckReason: String? = nil,
                allocation: [Allocation] = [], decidedRecVersion: Int? = nil, escalatedBy: String? = nil, lastDecidedBy: String? = nil,
                recommendation: CurrentRecommendation? = nil, orderLine: OrderLine? = nil, order: Order? = nil, customer: Customer? = nil) {
        self.key = key; self.state = state; self.version = version; self.needsRecheck = needsRecheck; self.recheckReason = recheckReason
        self.allocation = allocation; self.decidedRecVersion = decidedRecVersion; self.escalatedBy = escalatedBy
        self.lastDecidedBy = lastDecidedBy; self.recommendation = recommendation; self.orderLine = orderLine; self.order = order
        self.customer = customer
    }

    /// The customer's credit is on hold (or the plan says the line waits for credit).
    public var creditHold: Bool {
        customer?.creditStatus == .hold || recommendation?.line.exceptions.contains(.creditHold) == true
    }
    /// The order is on hold in the mirror or in Allot, or the customer's credit is.
    public var onHold: Bool { state == .held || order?.status == .held || creditHold }

    /// A re-plan changed the recommendation since the line's last decision answered it.
    public var recommendationMoved: Bool {
        guard let decided = decidedRecVersion, let now = recommendation?.version else { return false }
        return decided != now
    }

    /// The line may be decided afresh: never decided, sent back by a supervisor, or decided before a change that
    /// needs a re-check.
    public var isOpenForDecision: Bool {
        state == .recommended || state == .rejected || (needsRecheck && state.isDecidedNotReleased)
    }
}

/// The versions a person saw when they chose an action: a decision is refused as stale when either moved.
public struct SeenVersion: Hashable, Sendable {
    public var lineVersion: Int
    public var recommendationVersion: Int?
    public init(lineVersion: Int, recommendationVersion: Int?) {
        self.lineVersion = lineVersion; self.recommendationVersion = recommendationVersion
    }
}

/// One decision someone asks for.
public struct LineDecision: Hashable, Sendable {
    public var line: LineKey
    public var action: DecisionAction
    public var actor: DecisionAuthor
    public var reasonCode: String?
    public var note: String?
    /// The allocation of an override.
    public var allocations: [RequestedAllocation]
    /// What the person saw; nil skips the check (a script acting on whatever is current).
    public var seen: SeenVersion?

    public init(line: LineKey, action: DecisionAction, actor: DecisionAuthor, reasonCode: String? = nil, note: String? = nil,
                allocations: [RequestedAllocation] = [], seen: SeenVersion? = nil) {
        self.line = line; self.action = action; self.actor = actor; self.reasonCode = reasonCode; self.note = note
        self.allocations = allocations; self.seen = seen
    }
}
