import Testing
import AllotCore

@Suite("Reason codes and stale decisions")
struct DecisionRulesTests {
    typealias F = WorkflowFixture

    @Test("a reason code must come from the policy's list for the action; a single listed code is the default")
    func reasonCodes() throws {
        var r = F.request(.override)
        r.reasonCode = "BECAUSE"
        guard case .failure(.invalid(let m)) = Workflow.decide(r, situation: F.situation(), supply: F.supply(), policy: F.policy) else {
            Issue.record("an unlisted reason was accepted"); return
        }
        #expect(m.contains("CHEAPER_FREIGHT"))
        #expect(m.hasPrefix("reason 'BECAUSE' is not among the override reasons; use one of: "), "\(m)")
        // Typed in any case, a listed code is recorded as the policy writes it.
        r.reasonCode = "cheaper_freight"
        if case .failure(let e) = Workflow.decide(r, situation: F.situation(), supply: F.supply(), policy: F.policy),
           case .invalid(let m) = e, m.contains("reason") {
            Issue.record("a listed reason in lower case was refused: \(m)")
        }
        let escalated = try Workflow.decide({ var e = F.request(.escalate); e.reasonCode = "other"; return e }(), situation: F.situation(),
                                            policy: F.policy).get()
        #expect(escalated.reasonCode == "OTHER")
        r.reasonCode = nil
        guard case .failure(.invalid(let need)) = Workflow.decide(r, situation: F.situation(), supply: F.supply(), policy: F.policy) else {
            Issue.record("an override without a reason was accepted"); return
        }
        #expect(need.contains("needs --reason"))
        let accepted = try Workflow.decide(F.request(.accept), situation: F.situation(), policy: F.policy).get()
        #expect(accepted.reasonCode == "AS_RECOMMENDED")
    }

    @Test("a policy without reasons for an action accepts any code or none")
    func freeReasons() throws {
        var p = Policy()
        p.reasons["escalate"] = []
        var r = F.request(.escalate)
        r.reasonCode = nil
        #expect(try Workflow.decide(r, situation: F.situation(), policy: p).get().reasonCode == nil)
        r.reasonCode = "ANYTHING"
        #expect(try Workflow.decide(r, situation: F.situation(), policy: p).get().reasonCode == "ANYTHING")
    }

    @Test("a decision against a line version someone else moved is refused as stale, naming who and what it is now")
    func staleLine() {
        let s = F.situation(state: .accepted, version: 3)
        let r = F.request(.override, seen: SeenVersion(lineVersion: 2, recommendationVersion: 1))
        guard case .failure(.stale(let m)) = Workflow.decide(r, situation: s, supply: F.supply(), policy: F.policy) else {
            Issue.record("a stale line version was accepted"); return
        }
        #expect(m.contains("by pat"))
        #expect(m.contains("now accepted"))
    }

    @Test("a decision against an old recommendation version is refused as stale")
    func staleRecommendation() {
        var s = F.situation()
        s.recommendation?.version = 4
        let r = F.request(.accept, seen: SeenVersion(lineVersion: 0, recommendationVersion: 3))
        guard case .failure(.stale(let m)) = Workflow.decide(r, situation: s, policy: F.policy) else {
            Issue.record("an old recommendation version was accepted"); return
        }
        #expect(m.contains("version 3 → 4"))
        #expect(throws: Never.self) {
            _ = try Workflow.decide(F.request(.accept, seen: SeenVersion(lineVersion: 0, recommendationVersion: 4)), situation: s, policy: F.policy).get()
        }
    }

    @Test("refusals map to distinct exit codes: permission 3, stale 4, invalid 5")
    func exitCodes() {
        #expect(DecisionRefusal.permission("x").exitCode == 3)
        #expect(DecisionRefusal.stale("x").exitCode == 4)
        #expect(DecisionRefusal.invalid("x").exitCode == 5)
    }

    @Test("warehouses and quantities are refused on any action but override")
    func allocationsOnlyForOverride() {
        let r = F.request(.accept, allocations: [RequestedAllocation(warehouseID: "DAL", qty: 1)])
        guard case .failure(.invalid) = Workflow.decide(r, situation: F.situation(), policy: F.policy) else {
            Issue.record("accept took allocations"); return
        }
    }
}

@Suite("Accepting again after a re-plan")
struct AcceptAgainTests {
    typealias F = WorkflowFixture

    @Test("an accepted line may be accepted again once a re-plan changed its recommendation, not before")
    func acceptAgain() throws {
        var s = F.situation(state: .accepted, version: 1)
        guard case .failure(.invalid) = Workflow.decide(F.request(.accept), situation: s, policy: F.policy) else {
            Issue.record("accepted twice the same recommendation"); return
        }
        s.recommendation?.version = 2
        s.recommendation?.line.allocations = [F.dal(35)]
        let o = try Workflow.decide(F.request(.accept), situation: s, policy: F.policy).get()
        #expect(o.transitions.first?.allocationAfter == [F.dal(35)] && o.transitions.first?.decidedRecVersion == 2)
    }
}
