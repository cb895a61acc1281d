import Testing
import AllotCore

/// Every (state, action) pair, with someone allowed to act: where the line goes, or that it is refused as invalid.
@Suite("Workflow transitions")
struct TransitionTests {
    typealias F = WorkflowFixture

    /// The expected result of each action in each state: a state, "unchanged" (the order changes, this line does
    /// not), "noted" (only the record changes), or "invalid".
    static let table: [LineState: [DecisionAction: String]] = [
        .recommended: [.accept: "accepted", .override: "overridden", .escalate: "escalated", .approve: "invalid",
                       .reject: "invalid", .hold: "held", .release: "invalid", .cancel: "cancelled", .note: "noted"],
        .accepted: [.accept: "invalid", .override: "overridden", .escalate: "escalated", .approve: "invalid",
                    .reject: "invalid", .hold: "held", .release: "released", .cancel: "cancelled", .note: "noted"],
        .overridden: [.accept: "accepted", .override: "overridden", .escalate: "escalated", .approve: "invalid",
                      .reject: "invalid", .hold: "held", .release: "released", .cancel: "cancelled", .note: "noted"],
        .escalated: [.accept: "invalid", .override: "invalid", .escalate: "invalid", .approve: "approved",
                     .reject: "rejected", .hold: "held", .release: "invalid", .cancel: "cancelled", .note: "noted"],
        .approved: [.accept: "invalid", .override: "invalid", .escalate: "invalid", .approve: "invalid",
                    .reject: "invalid", .hold: "held", .release: "released", .cancel: "cancelled", .note: "noted"],
        .rejected: [.accept: "accepted", .override: "overridden", .escalate: "escalated", .approve: "invalid",
                    .reject: "invalid", .hold: "held", .release: "invalid", .cancel: "cancelled", .note: "noted"],
        .released: [.accept: "invalid", .override: "invalid", .escalate: "invalid", .approve: "invalid",
                    .reject: "invalid", .hold: "unchanged", .release: "invalid", .cancel: "cancelled", .note: "noted"],
        .held: [.accept: "invalid", .override: "invalid", .escalate: "invalid", .approve: "invalid",
                .reject: "invalid", .hold: "invalid", .release: "recommended", .cancel: "cancelled", .note: "noted"],
        .cancelled: [.accept: "invalid", .override: "invalid", .escalate: "invalid", .approve: "invalid",
                     .reject: "invalid", .hold: "invalid", .release: "invalid", .cancel: "invalid", .note: "noted"],
    ]

    static let pairs: [(LineState, DecisionAction)] = LineState.allCases.flatMap { s in DecisionAction.allCases.map { (s, $0) } }

    @Test("each action in each state moves the line as the state machine says, or is refused as invalid", arguments: pairs)
    func transition(state: LineState, action: DecisionAction) throws {
        let expected = try #require(Self.table[state]?[action])
        let s = F.situation(state: state, escalatedBy: state == .escalated ? "pat" : nil)
        let result = Workflow.decide(F.request(action), situation: s, supply: F.supply(), policy: F.policy)
        switch (result, expected) {
        case (.failure(let r), "invalid"):
            guard case .invalid = r else { Issue.record("\(state) \(action): refused as \(r), expected invalid"); return }
        case (.success(let o), "unchanged"):
            #expect(o.transitions.isEmpty)
            #expect(o.orderEffect == .hold)
        case (.success(let o), "noted"):
            #expect(o.transitions.isEmpty && o.orderEffect == nil && o.events.isEmpty && o.unreserve.isEmpty, "\(state) + note")
            #expect(o.note == "customer asked to wait for the next truck")
        case (.success(let o), _):
            #expect(o.newState?.rawValue == expected, "\(state) + \(action)")
        case (.failure(let r), _):
            Issue.record("\(state) + \(action): refused (\(r)), expected \(expected)")
        }
    }

    @Test("a note needs its text, and is taken even when the line moved since it was read")
    func noteRules() {
        let s = F.situation(state: .accepted, version: 3)
        for empty in [nil, "", "   "] as [String?] {
            var r = F.request(.note)
            r.note = empty
            guard case .failure(.invalid(let m)) = Workflow.decide(r, situation: s, policy: F.policy) else {
                Issue.record("a note of \(String(describing: empty)) was not refused as invalid"); continue
            }
            #expect(m.contains("note needs its text"))
        }
        var old = F.request(.note, seen: SeenVersion(lineVersion: 1, recommendationVersion: 0))
        old.note = "left a voicemail"
        guard case .success(let o) = Workflow.decide(old, situation: s, policy: F.policy) else {
            Issue.record("a note against an older line version was refused"); return
        }
        #expect(o.note == "left a voicemail" && o.transitions.isEmpty)
        guard case .failure(.stale) = Workflow.decide(F.request(.escalate, seen: SeenVersion(lineVersion: 1, recommendationVersion: 0)),
                                                      situation: s, policy: F.policy) else {
            Issue.record("an escalation against an older line version was not refused as stale"); return
        }
    }

    @Test("the table covers every state and action")
    func tableIsComplete() {
        for s in LineState.allCases { #expect(Self.table[s]?.count == DecisionAction.allCases.count, "\(s)") }
    }

    @Test("a line needing a re-check can be decided again, and cannot be released or approved until it is")
    func recheck() {
        for state in [LineState.accepted, .overridden, .approved] {
            let s = F.situation(state: state, needsRecheck: true)
            for a in [DecisionAction.accept, .override, .escalate] {
                guard case .success = Workflow.decide(F.request(a), situation: s, supply: F.supply(), policy: F.policy) else {
                    Issue.record("\(a) on \(state) needing re-check was refused"); continue
                }
            }
            guard case .failure(.stale(let m)) = Workflow.decide(F.request(.release), situation: s, supply: F.supply(), policy: F.policy) else {
                Issue.record("release of \(state) needing re-check was not refused as stale"); continue
            }
            #expect(m.contains("inventory.adjusted of MX-200"))
        }
        let escalated = F.situation(state: .escalated, needsRecheck: true, escalatedBy: "pat")
        guard case .failure(.stale) = Workflow.decide(F.request(.approve), situation: escalated, supply: F.supply(), policy: F.policy) else {
            Issue.record("approving an escalation needing re-check was not refused as stale"); return
        }
    }

    @Test("releasing a line turns its decided allocation into a reservation and an allocation.released event")
    func releaseEffects() throws {
        let s = F.situation(state: .accepted, version: 1)
        let o = try Workflow.decide(F.request(.release, by: F.planner), situation: s, supply: F.supply(), policy: F.policy).get()
        #expect(o.reserve.map(\.key) == [s.key])
        #expect(o.reserve.first?.allocationAfter == [F.dal(40)])
        #expect(o.events.map(\.type) == ["allocation.released"])
        #expect(o.events.first?.allocations == [F.dal(40)])
        #expect(o.events.first?.decidedBy == "pat")
    }

    @Test("approving emits allocation.approved with the approved units; rejecting gives the line back to the planner")
    func approveAndReject() throws {
        let s = F.situation(state: .escalated, version: 2, allocation: [F.dal(50)], escalatedBy: "pat")
        let ok = try Workflow.decide(F.request(.approve, by: F.supervisor), situation: s, supply: F.supply(), policy: F.policy).get()
        #expect(ok.transitions.first?.allocationAfter == [F.dal(50)])
        #expect(ok.events.map(\.type) == ["allocation.approved"])
        let no = try Workflow.decide(F.request(.reject, by: F.supervisor), situation: s, supply: F.supply(), policy: F.policy).get()
        #expect(no.newState == .rejected)
        #expect(no.transitions.first?.allocationAfter == [])
        #expect(no.events.isEmpty)
    }

    @Test("hold moves every open line of the order to held, leaves released ones, and emits order.held once")
    func holdIsOrderLevel() throws {
        let s = F.situation(state: .accepted, version: 1)
        let sibling = F.situation(state: .released, version: 2, line: 2)
        let third = LineSituation(key: LineKey(orderID: "SO-1", lineNo: 3))
        let o = try Workflow.decide(F.request(.hold, by: F.service), situation: s, siblings: [sibling, third], policy: F.policy).get()
        #expect(o.transitions.map(\.key.lineNo) == [1, 3])
        #expect(o.transitions.allSatisfy { $0.after == .held })
        #expect(o.orderEffect == .hold)
        #expect(o.events.map(\.type) == ["order.held"])
    }

    @Test("cancel gives back the units of released lines and cancels every line of the order")
    func cancelGivesUnitsBack() throws {
        let s = F.situation(state: .accepted, version: 1)
        let released = F.situation(state: .released, version: 2, line: 2)
        let o = try Workflow.decide(F.request(.cancel, by: F.service), situation: s, siblings: [released], policy: F.policy).get()
        #expect(o.transitions.map(\.after) == [.cancelled, .cancelled])
        #expect(o.unreserve == [released.key])
        #expect(o.events.map(\.type) == ["order.cancelled"])
    }

    @Test("releasing a hold puts the held lines back to recommended and emits order.released")
    func releaseHold() throws {
        let s = F.situation(state: .held, version: 3)
        let o = try Workflow.decide(F.request(.release, by: F.planner, reason: "CUSTOMER_CONFIRMED"), situation: s, policy: F.policy).get()
        #expect(o.newState == .recommended)
        #expect(o.orderEffect == .releaseHold(credit: false))
        #expect(o.events.first?.type == "order.released")
        #expect(o.events.first?.credit == false)
    }

    @Test("releasing a line's units takes the unit-release reasons; lifting a hold takes the release reasons")
    func releaseReasons() {
        let accepted = F.situation(state: .accepted, version: 1)
        // Clearing credit lifts a hold: it is no reason to send units to the warehouse.
        let refused = Workflow.decide(F.request(.release, by: F.planner, reason: "CREDIT_CLEARED"), situation: accepted, supply: F.supply(), policy: F.policy)
        guard case .failure(.invalid(let why)) = refused else { Issue.record("CREDIT_CLEARED released units: \(refused)"); return }
        #expect(why.contains("unit release") && why.contains("AS_DECIDED"))
        let released = Workflow.decide(F.request(.release, by: F.planner, reason: "AS_DECIDED"), situation: accepted, supply: F.supply(), policy: F.policy)
        #expect((try? released.get())?.reasonCode == "AS_DECIDED")
        let held = F.situation(state: .held, version: 3)
        guard case .failure(.invalid) = Workflow.decide(F.request(.release, by: F.planner, reason: "AS_DECIDED"), situation: held, policy: F.policy) else {
            Issue.record("a hold was lifted with a unit-release reason"); return
        }
    }

    @Test("an accepted line whose recommendation changed since must be accepted again before release")
    func acceptedAgainstOldRecommendation() {
        var s = F.situation(state: .accepted, version: 1)
        s.recommendation?.version = 2
        guard case .failure(.stale(let m)) = Workflow.decide(F.request(.release), situation: s, supply: F.supply(), policy: F.policy) else {
            Issue.record("release against an old recommendation was not refused as stale"); return
        }
        #expect(m.contains("version 1 → 2"))
    }

    @Test("accept of a line with nothing allocated, or on hold, is refused")
    func acceptNeedsUnits() {
        var s = F.situation()
        s.recommendation?.line.allocations = []
        guard case .failure(.invalid) = Workflow.decide(F.request(.accept), situation: s, policy: F.policy) else {
            Issue.record("accepted a line with nothing allocated"); return
        }
        let held = F.situation(status: .held, order: "SO-3")
        guard case .failure(.invalid(let m)) = Workflow.decide(F.request(.accept, order: "SO-3"), situation: held, policy: F.policy) else {
            Issue.record("accepted a line on credit hold"); return
        }
        #expect(m.contains("on hold"))
    }
}
