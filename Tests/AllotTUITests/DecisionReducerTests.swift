import Testing
import AllotCore
import AllotStore
@testable import AllotTUI

/// A detail screen for SO-1000:1 with two options loaded (DAL 6 chosen of 10 available, ATL 4 chosen of 4).
func detailWithOptions() -> WorkbenchState {
    var s = loadedQueue(3)
    _ = press(&s, .enter)
    let key = LineKey(orderID: "SO-1000", lineNo: 1)
    let r = row("SO-1000")
    let detail = LineDetail(row: r, rationale: "why", order: Order(id: "SO-1000", customerID: "C1", orderDate: Fixture.asOf, requestedDate: Fixture.asOf + 2),
                            orderLines: [r])
    let options = [
        SourcingChoice(warehouseID: "DAL", source: .onHand, available: 10, shipDate: Fixture.asOf + 1, arrivalDate: Fixture.asOf + 2,
                       daysLate: 0, unitCost: 2, chosenQty: 6),
        SourcingChoice(warehouseID: "ATL", source: .onHand, available: 4, shipDate: Fixture.asOf + 1, arrivalDate: Fixture.asOf + 4,
                       daysLate: 2, unitCost: 3, chosenQty: 4),
    ]
    WorkbenchReducer.reduce(&s, .detailLoaded(key, detail, history: []))
    WorkbenchReducer.reduce(&s, .optionsLoaded(key, options))
    return s
}

@Suite("The reducer: decisions")
struct DecisionReducerTests {
    let line = LineKey(orderID: "SO-1000", lineNo: 1)

    @Test("a accepts the selected line at once, against the version the user saw")
    func accept() {
        var s = loadedQueue(3)
        let commands = press(&s, .char("a"))
        #expect(commands == [.decide(ConfirmedDecision(action: .accept, target: .line(line, version: 1, lineVersion: 0), reason: "AS_RECOMMENDED", note: ""))])
        #expect(s.mode == .normal)
    }

    @Test("e opens the rationale prompt; arrows pick the reason, typing writes the note, Enter records")
    func escalate() {
        var s = loadedQueue(3)
        #expect(press(&s, .char("e")).isEmpty)
        guard case .rationale(let p) = s.mode else { Issue.record("no prompt"); return }
        #expect(p.reasons == Policy.defaultReasons["escalate"])
        _ = press(&s, .down, .down, .up, .down)
        for c in "needs a yes" { _ = press(&s, .char(c)) }
        let commands = press(&s, .enter)
        #expect(commands == [.decide(ConfirmedDecision(action: .escalate, target: .line(line, version: 1, lineVersion: 0), reason: "CUSTOMER_ESCALATION", note: "needs a yes"))])
        #expect(s.mode == .normal)
    }

    @Test("Esc in the rationale prompt cancels and records nothing")
    func cancelPrompt() {
        var s = loadedQueue(3)
        _ = press(&s, .char("h"), .char("x"))
        #expect(press(&s, .escape).isEmpty)
        #expect(s.mode == .normal)
        #expect(s.flash?.text.contains("nothing recorded") == true)
    }

    @Test("typing j or k in the note writes letters, it does not move")
    func noteTakesLetters() {
        var s = loadedQueue(3)
        _ = press(&s, .char("h"), .char("j"), .char("k"))
        guard case .rationale(let p) = s.mode else { Issue.record("no prompt"); return }
        #expect(p.note.text == "jk" && p.reasonIndex == 0)
    }

    @Test("hold and release on a line go through the prompt with their own reason codes; on a held line, release lifts the hold")
    func holdRelease() {
        for (key, action, list) in [(Key.char("h"), DecisionAction.hold, "hold"), (.char("r"), .release, Policy.releaseUnitsKey)] {
            var s = loadedQueue(2)
            _ = press(&s, key)
            guard case .rationale(let p) = s.mode else { Issue.record("no prompt for \(action)"); continue }
            #expect(p.request.action == action)
            #expect(p.reasons == Policy.defaultReasons[list])
            #expect(press(&s, .enter) == [.decide(ConfirmedDecision(action: action, target: .line(line, version: 1, lineVersion: 0), reason: p.reasons[0], note: ""))])
        }
        var s = loadedQueue(2)
        s.queue.rows[0].status = .held
        _ = press(&s, .char("r"))
        guard case .rationale(let p) = s.mode else { Issue.record("no prompt for a held line's release"); return }
        #expect(p.reasons == Policy.defaultReasons["release"])
    }

    @Test("approve and reject work on escalations, with a comment")
    func approveReject() {
        for (key, action) in [(Key.char("y"), DecisionAction.approve), (.char("x"), .reject)] {
            var s = Fixture.state(role: .supervisor, user: "sam")
            _ = WorkbenchReducer.start(&s)
            let e = EscalationRow(key: line, version: 3, sku: "MX-200", customer: "Acme", escalatedBy: "ann", at: nil, reason: "NEEDS_APPROVAL",
                                  note: "", recommended: "DAL×6", requested: "ATL×10", costDelta: 4, serviceImpact: "")
            WorkbenchReducer.reduce(&s, .escalationsLoaded([e]))
            _ = press(&s, key)
            for c in "ok by me" { _ = press(&s, .char(c)) }
            let commands = press(&s, .enter)
            guard case .decide(let r)? = commands.first else { Issue.record("\(action): \(commands)"); continue }
            #expect(r.action == action && r.target == .line(line, version: 3, lineVersion: 0) && r.note == "ok by me")
        }
    }

    @Test("approve on a line nobody escalated is refused on the flash line")
    func approveNothing() {
        var s = loadedQueue(3)
        #expect(press(&s, .char("y")).isEmpty)
        #expect(s.flash?.isError == true && s.mode == .normal)
    }

    @Test("on held orders, release and cancel work on the order; accept is refused")
    func heldOrders() {
        var s = Fixture.state(role: .customerService, user: "cs")
        _ = WorkbenchReducer.start(&s)
        WorkbenchReducer.reduce(&s, .heldLoaded([HeldOrder(orderID: "SO-7", customerID: "C1", customerName: "x", tier: "A", kind: .orderHold,
                                                           reason: "r", orderDate: nil, requestedDate: nil, lines: 1, value: 0)]))
        _ = press(&s, .char("r"))
        guard case .rationale(let p) = s.mode else { Issue.record("no prompt"); return }
        #expect(p.request.target == .order("SO-7", firstLine: 1))
        _ = press(&s, .escape, .char("C"))
        guard case .rationale(let c) = s.mode else { Issue.record("no prompt"); return }
        #expect(c.request.action == .cancel)
        _ = press(&s, .escape)
        #expect(press(&s, .char("a")).isEmpty)
        #expect(s.flash?.isError == true)
    }

    @Test("n on a held order asks for the note, refuses to record an empty one, and sends the typed note without a reason code")
    func noteOnHeldOrder() {
        var s = Fixture.state(role: .customerService, user: "cs")
        _ = WorkbenchReducer.start(&s)
        WorkbenchReducer.reduce(&s, .heldLoaded([HeldOrder(orderID: "SO-7", customerID: "C1", customerName: "x", tier: "A", kind: .creditHold,
                                                           reason: "r", orderDate: nil, requestedDate: nil, lines: 2, value: 0, firstLineNo: 3)]))
        _ = press(&s, .char("n"))
        guard case .rationale(let p) = s.mode else { Issue.record("no prompt"); return }
        #expect(p.request.action == .note && p.request.target == .order("SO-7", firstLine: 3))
        #expect(press(&s, .enter).isEmpty, "an empty note is not sent")
        #expect(s.flash?.isError == true && s.flash?.text.contains("needs its text") == true)
        guard case .rationale = s.mode else { Issue.record("the prompt closed on an empty note"); return }
        for c in "paying Friday" { _ = press(&s, .char(c)) }
        let sent = press(&s, .enter)
        guard case .decide(let d)? = sent.first else { Issue.record("nothing sent: \(sent)"); return }
        #expect(d.action == .note && d.note == "paying Friday" && d.reason == "")
        #expect(s.mode == .normal)
    }

    @Test("o on the queue opens the line and then the override editor when its options arrive")
    func overrideFromQueue() {
        var s = loadedQueue(3)
        let commands = press(&s, .char("o"))
        #expect(commands.contains(.loadDetail(line)) && commands.contains(.loadOptions(line)))
        #expect(s.pendingOverride == line)
        let r = row("SO-1000")
        WorkbenchReducer.reduce(&s, .detailLoaded(line, LineDetail(row: r, rationale: "", order: Order(id: "SO-1000", customerID: "C1",
            orderDate: Fixture.asOf, requestedDate: Fixture.asOf), orderLines: [r]), history: []))
        #expect(s.mode == .normal, "the editor waits for the options")
        WorkbenchReducer.reduce(&s, .optionsLoaded(line, [SourcingChoice(warehouseID: "DAL", source: .onHand, available: 5, shipDate: Fixture.asOf,
                                                                         arrivalDate: Fixture.asOf, daysLate: 0, unitCost: 1, chosenQty: 5)]))
        guard case .override = s.mode else { Issue.record("no editor"); return }
    }

    @Test("the override editor shows live feasibility and the cost change")
    func overrideEditor() {
        var s = detailWithOptions()
        _ = press(&s, .char("o"))
        guard case .override(var e) = s.mode else { Issue.record("no editor"); return }
        #expect(e.problem == "same as the recommendation: use accept")
        _ = press(&s, .char("1"), .char("2"))  // DAL: 12 of 10 available
        guard case .override(let e2) = s.mode else { return }
        e = e2
        #expect(e.quantities == [12, 4])
        #expect(e.problem == "DAL on_hand has only 10 available, not 12")
        #expect(press(&s, .enter).isEmpty)
        guard case .override = s.mode else { Issue.record("Enter on an infeasible override left the editor"); return }
        _ = press(&s, .backspace)   // DAL: 1
        _ = press(&s, .char("0"))   // typed digits continue: 10
        guard case .override(let e3) = s.mode else { return }
        #expect(e3.quantities == [10, 4])
        #expect(e3.problem == "14 units is more than the 10 requested")
        _ = press(&s, .down, .char("0"))  // ATL: 0
        guard case .override(let e4) = s.mode else { return }
        #expect(e4.problem == nil)
        #expect(e4.cost - e4.recommendedCost == 20 - 24)
        #expect(e4.latestArrivalLate == 0)
    }

    @Test("a feasible override asks for its rationale and records the chosen allocations")
    func overrideRecords() {
        var s = detailWithOptions()
        _ = press(&s, .char("o"), .char("m"))  // all of the line on DAL
        _ = press(&s, .enter)
        guard case .rationale(let p) = s.mode else { Issue.record("no prompt"); return }
        #expect(p.request.action == .override)
        _ = press(&s, .down)
        let commands = press(&s, .enter)
        guard case .decide(let r)? = commands.first else { Issue.record("\(commands)"); return }
        #expect(r.reason == "CHEAPER_FREIGHT")
        #expect(r.allocations?.map(\.warehouseID) == ["DAL"])
        #expect(r.allocations?.map(\.qty) == [10])
    }

    @Test("Esc in the override editor cancels")
    func overrideCancel() {
        var s = detailWithOptions()
        _ = press(&s, .char("o"), .char("5"), .escape)
        #expect(s.mode == .normal)
    }

    @Test("a recorded decision flashes and reloads; a refused one flashes why and changes nothing")
    func outcomes() {
        var s = loadedQueue(3)
        let request = ConfirmedDecision(action: .accept, target: .line(line, version: 1, lineVersion: 0), reason: "AS_RECOMMENDED", note: "")
        let reload = WorkbenchReducer.reduce(&s, .decided(request, .recorded("")))
        #expect(s.flash == Flash("SO-1000:1 accepted (AS_RECOMMENDED)"))
        #expect(reload.contains(.loadPlan))
        let before = s.queue
        #expect(WorkbenchReducer.reduce(&s, .decided(request, .refused("stale: the recommendation changed"))).isEmpty)
        #expect(s.flash?.isError == true && s.flash!.text.contains("stale"))
        #expect(s.queue == before)
    }

    @Test("the next key on a line just decided carries the version that decision made, before the reload arrives")
    func ownDecisionMovesTheVersion() {
        var s = loadedQueue(3)
        let accepted = ConfirmedDecision(action: .accept, target: .line(line, version: 1, lineVersion: 0), reason: "AS_RECOMMENDED", note: "")
        _ = WorkbenchReducer.reduce(&s, .decided(accepted, .recorded("")))
        #expect(s.queue.selectedRow?.lineVersion == 1)
        _ = press(&s, .char("e"))
        guard case .rationale(let p) = s.mode else { Issue.record("no prompt"); return }
        #expect(p.request.target == .line(line, version: 1, lineVersion: 1))
        _ = press(&s, .escape)
        // A note does not move the version; a reload that already brought a newer version is left alone.
        let noted = ConfirmedDecision(action: .note, target: .line(line, version: 1, lineVersion: 1), reason: "", note: "called")
        _ = WorkbenchReducer.reduce(&s, .decided(noted, .recorded("")))
        #expect(s.queue.selectedRow?.lineVersion == 1)
        s.queue.rows[0].lineVersion = 5
        _ = WorkbenchReducer.reduce(&s, .decided(accepted, .recorded("")))
        #expect(s.queue.selectedRow?.lineVersion == 5)
    }

    @Test("the detail of a line a decision took out of the plan says which decision, by whom, and lists its history")
    func releasedLineDetail() {
        var s = loadedQueue(3)
        _ = press(&s, .enter)
        // Newest first, as the store gives it.
        let history = [
            AuditRow(at: Timestamp("2026-11-29T09:25:00Z"), user: "cs", role: "customer_service", action: "note", target: "SO-1000:1",
                     reason: "", note: "customer told"),
            AuditRow(at: Timestamp("2026-11-29T09:20:00Z"), user: "ann", role: "planner", action: "release", target: "SO-1000:1",
                     reason: "", note: "truck at 14:00"),
            AuditRow(at: Timestamp("2026-11-29T09:10:00Z"), user: "ann", role: "planner", action: "accept", target: "SO-1000:1",
                     reason: "AS_RECOMMENDED", note: ""),
        ]
        WorkbenchReducer.reduce(&s, .detailLoaded(line, nil, history: history))
        let text = WorkbenchView.render(s, theme: .builtInMonochrome).text
        #expect(text.contains("SO-1000:1  is not in the current plan"))
        // The last decision that changed the line, not the note after it.
        #expect(text.contains("last decision: release by ann (planner) at 2026-11-29T09:20:00Z · truck at 14…"))
        #expect(text.contains("its units are released and reserved for it"))
        #expect(text.contains("History (3)") && text.contains("customer told") && text.contains("AS_RECOMMENDED"))
        // Without decisions there is nothing to tell but that it is gone.
        WorkbenchReducer.reduce(&s, .detailLoaded(line, nil, history: []))
        #expect(WorkbenchView.render(s, theme: .builtInMonochrome).text.contains("SO-1000:1 is not in the current plan"))
    }

    /// The first option of the detail on screen.
    private func d0(_ s: WorkbenchState) -> SourcingChoice { s.detail!.options[0] }

    @Test("the options table and the override editor name the lane when some option is expedited, and only then")
    func laneColumn() {
        var s = detailWithOptions()
        let plain = WorkbenchView.render(s, theme: .builtInMonochrome).text
        #expect(!plain.contains(" lane "), "no expedited option, no lane column")
        guard var fast = s.detail?.options[1] else { Issue.record("no detail"); return }
        fast.mode = .expedite; fast.arrivalDate = Fixture.asOf + 2; fast.daysLate = 0; fast.unitCost = 5; fast.chosenQty = 0
        s.detail?.options.append(fast)
        let rows = WorkbenchView.render(s, theme: .builtInMonochrome).text.split(separator: "\n").map(String.init)
        #expect(rows.contains { $0.contains(" lane ") && $0.contains("cost/u") }, "\(rows.joined(separator: "\n"))")
        // Two rows of ATL's stock: the ground one and the expedited one, told apart by their lane.
        #expect(rows.contains { $0.contains("ATL") && $0.contains("ground") } && rows.contains { $0.contains("ATL") && $0.contains("expedite") })
        // A long supply name ("DAL substitute:…") is shown whole in the editor while the terminal has room.
        s.cols = 120
        var sub = d0(s)
        sub.source = .substitute("MX-200-XL"); sub.chosenQty = 0
        s.detail?.options.append(sub)
        #expect(WorkbenchView.render(s, theme: .builtInMonochrome).text.contains(" DAL substitute:MX-200-XL "), "in the options table too")
        _ = press(&s, .char("o"))
        let editor = WorkbenchView.render(s, theme: .builtInMonochrome).text
        #expect(editor.contains("Override SO-1000:1") && editor.contains("expedite"), "\(editor)")
        #expect(editor.contains("DAL substitute:MX-200-XL "), "\(editor)")
    }
}
