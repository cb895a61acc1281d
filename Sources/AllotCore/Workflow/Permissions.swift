/// Which role may do what: the permission matrix, enforced in the core so that every front end obeys it.
///
/// `release` is split by what is released: an allocation (committing units), an order hold, or a credit hold
/// (which only finance and customer service may lift). Admin may do everything; nobody, admin included,
/// approves their own escalation (checked by the workflow, which knows who escalated).
public enum Permission: String, Hashable, Sendable, CaseIterable {
    case accept, override, escalate, approve, reject, hold, cancel, note
    case releaseAllocation = "release_allocation"
    case releaseOrderHold = "release_order_hold"
    case releaseCreditHold = "release_credit_hold"

    /// The roles allowed this permission.
    public var roles: Set<Role> {
        switch self {
        case .accept, .override, .releaseAllocation: return [.planner, .supervisor, .admin]
        case .escalate, .hold, .note: return Set(Role.allCases)
        case .approve, .reject: return [.supervisor, .admin]
        case .cancel: return [.customerService, .supervisor, .admin]
        case .releaseOrderHold: return [.planner, .customerService, .supervisor, .finance, .admin]
        case .releaseCreditHold: return [.customerService, .finance, .admin]
        }
    }

    /// What the permission lets a person do, for refusals and help.
    public var phrase: String {
        switch self {
        case .accept: return "accept recommendations"
        case .override: return "override allocations"
        case .escalate: return "escalate lines"
        case .approve: return "approve escalations"
        case .reject: return "reject escalations"
        case .hold: return "put orders on hold"
        case .cancel: return "cancel orders"
        case .note: return "add notes"
        case .releaseAllocation: return "release allocations"
        case .releaseOrderHold: return "release order holds"
        case .releaseCreditHold: return "release credit holds"
        }
    }
}

extension Role {
    /// Everything this role may do.
    public var permissions: Set<Permission> { Set(Permission.allCases.filter { $0.roles.contains(self) }) }
    /// True when the role holds the permission.
    public func may(_ p: Permission) -> Bool { p.roles.contains(self) }
}
