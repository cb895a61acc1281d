/// Where one order line stands in the decision workflow, and the actions people (or the policy) take on it.
///
/// recommended → accepted | overridden | escalated; escalated → approved | rejected;
/// accepted | overridden | approved → released; an order's lines go held ↔ (released from hold) → recommended;
/// any line may be cancelled with its order.
public enum LineState: String, Hashable, Sendable, Codable, CaseIterable {
    /// The engine's recommendation waits for a decision (no decision yet, or sent back).
    case recommended
    /// A person took the recommendation as it is; it waits to be released.
    case accepted
    /// A person replaced the recommendation with their own allocation; it waits to be released.
    case overridden
    /// Waiting for a supervisor (a person asked, or an override crossed a policy limit).
    case escalated
    /// A supervisor approved the escalated allocation; it waits to be released.
    case approved
    /// A supervisor turned the escalation down; the line is back with the planner.
    case rejected
    /// The allocation is committed: it is a reservation in the mirror and an event in the outbox.
    case released
    /// The order is on hold; nothing of it is released until the hold is lifted.
    case held
    /// The order was cancelled; its units went back.
    case cancelled

    /// A decision was made on the line but its units are not yet committed (these can need a re-check).
    public var isDecidedNotReleased: Bool { [.accepted, .overridden, .escalated, .approved].contains(self) }
}

/// What a person (or the policy) does to a line.
public enum DecisionAction: String, Hashable, Sendable, Codable, CaseIterable {
    case accept, override, escalate, approve, reject, hold, release, cancel
    /// A note on the line (customer service writing down what the customer said): recorded and audited, the line's
    /// state, allocation and version stay as they are.
    case note

    /// Actions that apply to the whole order, whichever line they are given on.
    public var isOrderLevel: Bool { self == .hold || self == .cancel }
}

/// Who makes a decision: a listed user acting in their role, or the policy releasing lines by itself.
public enum DecisionAuthor: Hashable, Sendable {
    case user(User)
    /// The policy version that released `status: auto` lines.
    case policy(version: String)

    /// The name recorded as the author (`policy:<version>` for the policy).
    public var name: String {
        switch self {
        case .user(let u): return u.name
        case .policy(let v): return "policy:\(v)"
        }
    }
    /// The role recorded with the decision (`policy` for the policy).
    public var roleName: String {
        switch self {
        case .user(let u): return u.role.rawValue
        case .policy: return "policy"
        }
    }
}
