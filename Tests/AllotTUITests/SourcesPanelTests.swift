import Testing
import AllotCore
import AllotStore
@testable import AllotTUI

@Suite("The :sources view")
struct SourcesPanelTests {
    static func source(_ name: String, _ status: SourceHealth.Status, error: String? = nil) -> SourceHealth {
        SourceHealth(source: name, status: status, lastEventAt: Timestamp("2026-11-29T08:00:00Z"), lastSeq: 41, lagHours: 1.5,
                     gaps: 1, missingSeqs: 2, received: 50, applied: 45, duplicate: 2, stale: 1, rejected: 2, openDeadLetters: 2,
                     files: 3, failedFiles: error == nil ? 0 : 1, lastFile: "\(name)-3.jsonl", lastError: error)
    }

    static func health(_ sources: [SourceHealth], staleInventory: Int = 0) -> IntegrationHealth {
        IntegrationHealth(now: Timestamp("2026-11-29T09:30:00Z")!, staleAfterHours: 72, sources: sources,
                          staleInventory: staleInventory, undatedInventory: 0, oldestInventoryAsOf: nil, unattributedDeadLetters: 0)
    }

    @Test("it is registered in the workbench under :sources")
    func registered() {
        #expect(PanelRegistry.panel(named: "sources")?.title == "Sources")
    }

    @Test("each source is a row coloured by its status, with its failure in the last column")
    func rows() {
        let c = SourcesPanel.content(Self.health([Self.source("erp", .ok), Self.source("tms", .stale),
                                                  Self.source("wms", .failing, error: "wms-3.jsonl: no usable event\n  more")]))
        #expect(c.rows.map(\.[0]) == ["erp", "tms", "wms"])
        #expect(c.tones == [.warning, .warning, .danger])
        #expect(c.rows[2].last == "✗ wms-3.jsonl: no usable event")
        #expect(c.rows[0][3] == "2h")
        #expect(c.summary.first == "tms stale · wms failing  (fresh = something new within 72h)")
    }

    @Test("the status line marker names the failing and stale sources, and is absent when all are fresh")
    func alert() {
        #expect(SourcesPanel.alert(Self.health([Self.source("erp", .ok)])) == nil)
        #expect(SourcesPanel.alert(Self.health([Self.source("erp", .failing), Self.source("tms", .stale)]))
                == "● sources: failing erp; stale tms")
        #expect(SourcesPanel.alert(Self.health([Self.source("erp", .ok)], staleInventory: 3)) == "● sources: stale stock")
    }

    @Test("the marker is drawn in the status line when the store reports a problem, and a clock tick re-checks")
    func statusLine() {
        var s = WorkbenchState(session: Session(user: "pat", role: .planner, mirrorName: "m.sqlite"), rows: 24, cols: 100,
                               now: Timestamp("2026-11-29T09:30:00Z")!)
        _ = WorkbenchReducer.reduce(&s, .sourcesChecked("● sources: stale wms"))
        #expect(s.sourcesAlert == "● sources: stale wms")
        let later = Timestamp(seconds: Timestamp("2026-11-29T09:30:00Z")!.seconds + 120)
        #expect(WorkbenchReducer.reduce(&s, .tick(later)) == [.loadPlan])
        #expect(WorkbenchReducer.reduce(&s, .tick(Timestamp(seconds: later.seconds + 1))) == [])
    }

    @Test("the status line says how current the plan is: its age, or when a re-plan last updated it, and the changes waiting")
    func planCurrency() {
        let now = Timestamp("2026-11-29T12:00:00Z")!
        let made = Timestamp("2026-11-29T10:00:00Z")!
        var p = PlanHeader(id: "P-1", createdAt: made, asOf: Day("2026-11-29"), policyVersion: "v")
        #expect(WorkbenchView.planText(p, now: now, withDate: true) == "plan 2h old (as of 2026-11-29)")
        p.changesBehind = 0
        p.updatedAt = Timestamp(seconds: now.seconds - 3)
        #expect(WorkbenchView.planText(p, now: now, withDate: false) == "plan updated 3s ago")
        p.changesBehind = 1
        #expect(WorkbenchView.planText(p, now: now, withDate: true) == "plan updated 3s ago (as of 2026-11-29), 1 change behind")
        p.changesBehind = 1234
        #expect(WorkbenchView.planText(p, now: now, withDate: false) == "plan updated 3s ago, 1,234 changes behind")
        p.changesBehind = PlanHeader.behindCap
        p.updatedAt = nil
        #expect(WorkbenchView.planText(p, now: now, withDate: false) == "plan 2h old, 100,000+ changes behind")

        // Drawn in the status line.
        var s = WorkbenchState(session: Session(user: "pat", role: .planner, mirrorName: "m.sqlite"), rows: 24, cols: 100, now: now)
        p.changesBehind = 12
        _ = WorkbenchReducer.reduce(&s, .planLoaded(p))
        let g = WorkbenchView.render(s, theme: .builtInMonochrome)
        #expect(g.lines[22].contains("plan 2h old (as of 2026-11-29), 12 changes behind"), "\(g.lines[22])")
    }
}
