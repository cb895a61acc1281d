import Testing
import AllotCore

@Suite("Roles and permissions")
struct PermissionTests {
    typealias F = WorkflowFixture

    /// The permission matrix, written out in full so that a change to it is a visible change to this test.
    static let matrix: [Role: Set<Permission>] = [
        .planner: [.accept, .override, .escalate, .hold, .note, .releaseAllocation, .releaseOrderHold],
        .customerService: [.escalate, .hold, .cancel, .note, .releaseOrderHold, .releaseCreditHold],
        .supervisor: [.accept, .override, .escalate, .approve, .reject, .hold, .cancel, .note, .releaseAllocation, .releaseOrderHold],
        .finance: [.escalate, .hold, .note, .releaseOrderHold, .releaseCreditHold],
        .admin: Set(Permission.allCases),
    ]

    @Test("each role holds exactly its permissions", arguments: Role.allCases)
    func roleMatrix(role: Role) {
        #expect(role.permissions == Self.matrix[role])
    }

    /// A situation in which `permission` is what the action needs, and the action would otherwise succeed.
    static func situation(for permission: Permission) -> (DecisionAction, LineSituation) {
        switch permission {
        case .accept: return (.accept, F.situation())
        case .override: return (.override, F.situation())
        case .escalate: return (.escalate, F.situation())
        case .approve: return (.approve, F.situation(state: .escalated, escalatedBy: "nobody-else"))
        case .reject: return (.reject, F.situation(state: .escalated, escalatedBy: "nobody-else"))
        case .hold: return (.hold, F.situation())
        case .cancel: return (.cancel, F.situation())
        case .note: return (.note, F.situation(state: .held))
        case .releaseAllocation: return (.release, F.situation(state: .accepted))
        case .releaseOrderHold: return (.release, F.situation(state: .held))
        case .releaseCreditHold: return (.release, F.situation(status: .held, order: "SO-3"))
        }
    }

    static let cases: [(Role, Permission)] = Role.allCases.flatMap { r in Permission.allCases.map { (r, $0) } }

    @Test("the workflow enforces the matrix: a role without the permission is refused, one with it is not", arguments: cases)
    func enforced(role: Role, permission: Permission) {
        let (action, s) = Self.situation(for: permission)
        #expect(Workflow.requiredPermission(action, situation: s) == permission)
        var request = F.request(action, by: F.actor(role), order: s.key.orderID)
        if permission == .releaseCreditHold { request.reasonCode = "CREDIT_CLEARED" }
        let result = Workflow.decide(request, situation: s, supply: F.supply(), policy: F.policy)
        let allowed = Self.matrix[role]!.contains(permission)
        switch result {
        case .success: #expect(allowed, "\(role) was allowed to \(permission)")
        case .failure(.permission(let m)):
            #expect(!allowed, "\(role) was refused \(permission): \(m)")
            #expect(m.contains(permission.phrase))
        case .failure(let other): Issue.record("\(role) \(permission): unexpected refusal \(other)")
        }
    }

    @Test("credit holds are released only by finance, customer service (or admin); a planner may release an order hold")
    func creditHolds() {
        let credit = F.situation(status: .held, order: "SO-3")
        #expect(Workflow.requiredPermission(.release, situation: credit) == .releaseCreditHold)
        for role in Role.allCases {
            let r = Workflow.decide(F.request(.release, by: F.actor(role), reason: "CREDIT_CLEARED", order: "SO-3"), situation: credit, policy: F.policy)
            let ok: Bool = { if case .success = r { return true } else { return false } }()
            #expect(ok == [.finance, .customerService, .admin].contains(role), "\(role)")
        }
        if case .failure(let e) = Workflow.decide(F.request(.release, by: F.planner), situation: F.situation(state: .held), policy: F.policy) {
            Issue.record("planner could not release an order hold: \(e)")
        }
    }

    @Test("nobody approves their own escalation, not even an admin; another supervisor may")
    func noSelfApproval() {
        let s = F.situation(state: .escalated, escalatedBy: "ada")
        guard case .failure(.permission(let m)) = Workflow.decide(F.request(.approve, by: F.admin), situation: s, supply: F.supply(), policy: F.policy) else {
            Issue.record("an admin approved their own escalation"); return
        }
        #expect(m.contains("own escalation"))
        guard case .success = Workflow.decide(F.request(.approve, by: F.supervisor), situation: s, supply: F.supply(), policy: F.policy) else {
            Issue.record("another supervisor could not approve"); return
        }
    }

    @Test("the policy may release only lines whose recommendation is auto, and only as a release")
    func policyActor() throws {
        let policy = DecisionAuthor.policy(version: "2026-11-default")
        let auto = F.situation(status: .auto)
        let o = try Workflow.decide(F.request(.release, by: policy), situation: auto, policy: F.policy).get()
        #expect(o.newState == .released)
        #expect(o.reasonCode == "OTHER")
        #expect(o.events.first?.decidedBy == "policy:2026-11-default")
        #expect(o.events.first?.role == "policy")
        let review = F.situation(status: .review)
        guard case .failure(.permission) = Workflow.decide(F.request(.release, by: policy), situation: review, policy: F.policy) else {
            Issue.record("the policy released a review line"); return
        }
        guard case .failure(.permission) = Workflow.decide(F.request(.accept, by: policy), situation: auto, policy: F.policy) else {
            Issue.record("the policy accepted a line"); return
        }
    }
}
