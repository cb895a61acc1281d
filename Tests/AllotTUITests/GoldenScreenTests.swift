import Testing
import Foundation
import AllotCore
import AllotStore
@testable import AllotTUI

/// Compares a screen with its golden text file in `Golden/`; `ALLOT_RECORD_GOLDEN=1 swift test` rewrites them.
func expectGolden(_ name: String, _ driver: WorkbenchDriver, sourceLocation: SourceLocation = #_sourceLocation) {
    let text = Fixture.screen(driver)
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    let file = dir.appendingPathComponent(name + ".txt")
    if ProcessInfo.processInfo.environment["ALLOT_RECORD_GOLDEN"] == "1" {
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? (text + "\n").write(to: file, atomically: true, encoding: .utf8)
        return
    }
    guard let golden = try? String(contentsOf: file, encoding: .utf8) else {
        Issue.record("no golden screen \(file.path): record it with ALLOT_RECORD_GOLDEN=1", sourceLocation: sourceLocation)
        return
    }
    let expected = golden.hasSuffix("\n") ? String(golden.dropLast()) : golden
    if text != expected {
        let a = text.split(separator: "\n", omittingEmptySubsequences: false), b = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let firstDiff = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        Issue.record("""
            screen \(name) differs from its golden file at row \(firstDiff):
              got:      \(firstDiff < a.count ? String(a[firstDiff]) : "<none>")
              expected: \(firstDiff < b.count ? String(b[firstDiff]) : "<none>")
            whole screen:
            \(text)
            """, sourceLocation: sourceLocation)
    }
}

/// Decisions as governance would report them, for drawing the escalations, audit and history screens.
struct CannedDecisions: DecisionGateway {
    func record(_ request: ConfirmedDecision, session: Session) -> DecisionReply { .refused("read-only test store") }
    func escalations() throws -> [EscalationRow] {
        [EscalationRow(key: LineKey(orderID: "SO-1002", lineNo: 1), version: 2, sku: "MX-200", customer: "東京商事", escalatedBy: "ann",
                       at: Timestamp("2026-11-29T09:30:00Z"), reason: "CUSTOMER_ESCALATION", note: "東京 needs all 25 by Monday",
                       recommended: "RNO×15⇣", requested: "DAL×25", costDelta: 12.5, serviceImpact: "fill 60%→100%, SO-1001 late +2d")]
    }
    func audit(filter: String, limit: Int) throws -> [AuditRow] {
        [AuditRow(at: Timestamp("2026-11-29T09:30:00Z"), user: "ann", role: "planner", action: "escalate", target: "SO-1002:1",
                  reason: "CUSTOMER_ESCALATION", note: "東京 needs all 25 by Monday"),
         AuditRow(at: Timestamp("2026-11-29T09:10:00Z"), user: "ann", role: "planner", action: "accept", target: "SO-1003:1",
                  reason: "AS_RECOMMENDED", note: "")]
            .filter { filter.isEmpty || $0.action.contains(filter) || $0.target.contains(filter) || $0.user.contains(filter) }
    }
    func history(_ key: LineKey) throws -> [AuditRow] { try audit(filter: "", limit: 10).filter { $0.target == key.description } }
}

@Suite("Golden screens")
struct GoldenScreenTests {
    static let sizes = [(24, 80), (40, 120)]

    @Test("the planner's queue, with wide and escaped names", arguments: sizes)
    func queue(rows: Int, cols: Int) throws {
        let d = try Fixture.driver(rows: rows, cols: cols)
        Fixture.keys(d, [.char("j")])
        expectGolden("queue-\(cols)x\(rows)", d)
    }

    @Test("the queue filtered by exception type", arguments: sizes)
    func queueFiltered(rows: Int, cols: Int) throws {
        let d = try Fixture.driver(rows: rows, cols: cols)
        Fixture.keys(d, [.char("/")]); Fixture.type(d, "type:SHORTAGE"); Fixture.keys(d, [.enter])
        expectGolden("queue-filtered-\(cols)x\(rows)", d)
    }

    @Test("customer service's held orders", arguments: sizes)
    func held(rows: Int, cols: Int) throws {
        // SO-1005 carries customer service's note (with a control character, shown escaped).
        let d = try Fixture.driver(role: .customerService, user: "cs", rows: rows, cols: cols) { db in
            try db.execute(sql: """
                INSERT INTO decision(at, user, role, action, order_id, line_no, note, state_before, state_after, before_json, after_json, line_version)
                VALUES ('2026-11-29T09:00:00Z', 'cs', 'customer_service', 'note', 'SO-1005', 1, 'buyer back Monday\u{1b}[2J', 'held', 'held', '[]', '[]', 0)
                """)
        }
        expectGolden("held-\(cols)x\(rows)", d)
    }

    @Test("the supervisor's escalations", arguments: sizes)
    func escalations(rows: Int, cols: Int) throws {
        let d = try Fixture.driver(role: .supervisor, user: "sam", rows: rows, cols: cols, decisions: CannedDecisions())
        expectGolden("escalations-\(cols)x\(rows)", d)
    }

    @Test("a line's detail with its options, the order's lines and its history", arguments: sizes)
    func detail(rows: Int, cols: Int) throws {
        let d = try Fixture.driver(rows: rows, cols: cols, decisions: CannedDecisions())
        Fixture.keys(d, [.enter])
        expectGolden("detail-\(cols)x\(rows)", d)
        Fixture.keys(d, [.tab])
        expectGolden("detail-lines-\(cols)x\(rows)", d)
    }

    @Test("the supply of a sku", arguments: sizes)
    func supply(rows: Int, cols: Int) throws {
        let d = try Fixture.driver(rows: rows, cols: cols)
        Fixture.keys(d, [.char("S")])
        expectGolden("supply-\(cols)x\(rows)", d)
    }

    @Test("the audit, newest first", arguments: sizes)
    func audit(rows: Int, cols: Int) throws {
        let d = try Fixture.driver(rows: rows, cols: cols, decisions: CannedDecisions())
        Fixture.keys(d, [.char(":")]); Fixture.type(d, "audit"); Fixture.keys(d, [.enter])
        expectGolden("audit-\(cols)x\(rows)", d)
    }

    @Test("the keys overlay, the rationale prompt and the override editor", arguments: sizes)
    func overlays(rows: Int, cols: Int) throws {
        let d = try Fixture.driver(rows: rows, cols: cols)
        Fixture.keys(d, [.char("?")])
        expectGolden("help-\(cols)x\(rows)", d)
        Fixture.keys(d, [.escape, .char("e"), .down])
        Fixture.type(d, "東京 asked")
        expectGolden("rationale-\(cols)x\(rows)", d)
        Fixture.keys(d, [.escape, .char("o"), .char("3"), .char("0")])
        expectGolden("override-\(cols)x\(rows)", d)
    }
}
