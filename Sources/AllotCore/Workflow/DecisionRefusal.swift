/// Why a decision was not made, typed so that every front end can say it clearly and scripts can tell
/// "not allowed" from "too late" from "not possible" (each maps to its own exit code).
public enum DecisionRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// The person's role does not allow the action (or they tried to approve their own escalation).
    case permission(String)
    /// The line changed since the person looked at it (another decision, a re-plan, or a change needing re-check).
    case stale(String)
    /// The action does not fit the line's state, or its inputs break a rule (reason code, ATP, quota, lane …).
    case invalid(String)

    public var description: String {
        switch self {
        case .permission(let m): return "not permitted: \(m)"
        case .stale(let m): return "stale: \(m)"
        case .invalid(let m): return "invalid: \(m)"
        }
    }

    /// The message without its kind.
    public var message: String {
        switch self {
        case .permission(let m), .stale(let m), .invalid(let m): return m
        }
    }

    /// The exit code `allot decide` uses for this refusal (errors use 1).
    public var exitCode: Int32 {
        switch self {
        case .permission: return 3
        case .stale: return 4
        case .invalid: return 5
        }
    }
}
