import Testing
import AllotCore
import AllotStore
@testable import AllotTUI

/// Rows for reducer tests that need no mirror.
func row(_ order: String, _ line: Int = 1, sku: String = "MX-200", short: Int = 0, version: Int = 1) -> QueueRow {
    QueueRow(key: LineKey(orderID: order, lineNo: line), customerID: "C1", customerName: "Acme", tier: "A", sku: sku, requested: 10,
             allocated: 10 - short, short: short, priorityClass: 0, status: .review, exceptions: [.split], allocations: [],
             cost: 0, value: 0, requestedDate: nil, promiseDate: nil, firstSeenAt: nil, version: version,
             sortKey: QueueRow.SortKey(exceptions: "SPLIT", priorityClass: 0, requestedDate: "2026-12-01", value: 0, firstSeenAt: "",
                                       orderID: order, lineNo: line))
}

/// A planner's state with `n` queue rows loaded (the whole queue) and the commands the start asked for done.
func loadedQueue(_ n: Int, rows: Int = 24) -> WorkbenchState {
    var s = Fixture.state(rows: rows)
    let start = WorkbenchReducer.start(&s)
    guard case .loadQueue(let request, _, _, _, _)? = start.first(where: { if case .loadQueue = $0 { return true }; return false }) else {
        fatalError("start did not load the queue")
    }
    WorkbenchReducer.reduce(&s, .queueLoaded(request: request, placement: .replaceFromTop, rows: (0..<n).map { row("SO-\(1000 + $0)") }))
    return s
}

func press(_ s: inout WorkbenchState, _ keys: Key...) -> [Command] {
    keys.flatMap { WorkbenchReducer.reduce(&s, .key($0)) }
}

@Suite("The reducer: navigation")
struct NavigationReducerTests {
    @Test("each role opens on its own view")
    func homeByRole() {
        #expect(Fixture.state(role: .planner).screen == .queue)
        #expect(Fixture.state(role: .customerService).screen == .held)
        #expect(Fixture.state(role: .supervisor).screen == .escalations)
    }

    @Test("j/k and the arrows move the selection and stop at the ends")
    func moves() {
        var s = loadedQueue(5)
        _ = press(&s, .char("j"), .down, .char("j"))
        #expect(s.queue.cursor.selected == 3)
        _ = press(&s, .char("j"), .char("j"), .char("j"))
        #expect(s.queue.cursor.selected == 4)
        _ = press(&s, .up, .char("k"))
        #expect(s.queue.cursor.selected == 2)
    }

    @Test("PgDn and PgUp move a page and scroll the list")
    func pages() {
        var s = loadedQueue(50)
        _ = press(&s, .pageDown)
        #expect(s.queue.cursor.selected == s.bodyHeight - 1)
        _ = press(&s, .pageDown)
        #expect(s.queue.cursor.scroll > 0)
        #expect(s.queue.cursor.selected - s.queue.cursor.scroll < s.bodyHeight)
        _ = press(&s, .pageUp, .pageUp)
        #expect(s.queue.cursor.selected == 0)
    }

    @Test("g and G jump within a queue that is loaded whole")
    func jumpsLoaded() {
        var s = loadedQueue(30)
        #expect(press(&s, .char("G")).isEmpty)
        #expect(s.queue.cursor.selected == 29)
        _ = press(&s, .char("g"))
        #expect(s.queue.cursor.selected == 0)
    }

    @Test("G on a queue larger than the window asks the store for the last page")
    func jumpToUnloadedEnd() {
        var s = loadedQueue(WorkbenchReducer.windowSize(Fixture.state()))
        #expect(!s.queue.atEnd)
        let commands = press(&s, .char("G"))
        guard case .loadQueue(_, _, .last, _, .replaceFromBottom)? = commands.first else { Issue.record("\(commands)"); return }
    }

    @Test("moving near the end of the loaded window prefetches the next page after the last row")
    func prefetch() {
        var s = loadedQueue(WorkbenchReducer.windowSize(Fixture.state()))
        var commands: [Command] = []
        for _ in 0..<40 { commands += press(&s, .char("j")) }
        let appends = commands.filter { if case .loadQueue(_, _, .after, _, .append) = $0 { return true }; return false }
        #expect(appends.count == 1)
    }

    @Test("an answer to an outdated request is dropped")
    func staleAnswer() {
        var s = loadedQueue(5)
        let old = s.queue.pending ?? -1
        _ = WorkbenchReducer.reduce(&s, .queueLoaded(request: old - 1, placement: .replaceFromTop, rows: [row("X")]))
        #expect(s.queue.rows.count == 5)
    }

    @Test("Enter opens the line's detail and Esc comes back to the same selection")
    func openAndBack() {
        var s = loadedQueue(5)
        _ = press(&s, .char("j"), .char("j"))
        let commands = press(&s, .enter)
        #expect(s.screen == .detail(LineKey(orderID: "SO-1002", lineNo: 1)))
        #expect(commands.contains(.loadDetail(LineKey(orderID: "SO-1002", lineNo: 1))))
        #expect(s.stack == [.queue, .detail(LineKey(orderID: "SO-1002", lineNo: 1))])
        _ = press(&s, .escape)
        #expect(s.screen == .queue)
        #expect(s.queue.cursor.selected == 2)
    }

    @Test("Tab cycles the detail panes")
    func tabPanes() {
        var s = loadedQueue(2)
        _ = press(&s, .enter)
        #expect(s.detail?.pane == .options)
        _ = press(&s, .tab)
        #expect(s.detail?.pane == .lines)
        _ = press(&s, .tab, .tab)
        #expect(s.detail?.pane == .options)
    }

    @Test("? opens the keys of the view and any key closes them")
    func help() {
        var s = loadedQueue(2)
        _ = press(&s, .char("?"))
        #expect(s.mode == .help)
        _ = press(&s, .char("x"))
        #expect(s.mode == .normal)
        #expect(s.queue.cursor.selected == 0)
    }

    @Test("q quits")
    func quit() {
        var s = loadedQueue(1)
        #expect(press(&s, .char("q")) == [.quit])
        #expect(s.quitting)
    }

    @Test("an unbound key says so on the flash line and changes nothing else")
    func unbound() {
        var s = loadedQueue(3)
        let before = s.queue
        #expect(press(&s, .char("Z")).isEmpty)
        #expect(s.flash?.isError == true)
        #expect(s.queue == before)
    }

    @Test("a resize keeps the selected line and keeps it visible")
    func resize() {
        var s = loadedQueue(100, rows: 40)
        for _ in 0..<30 { _ = press(&s, .char("j")) }
        let selected = s.queue.selectedRow?.key
        _ = WorkbenchReducer.reduce(&s, .resized(rows: 12, cols: 80))
        #expect(s.queue.selectedRow?.key == selected)
        #expect(s.queue.cursor.selected >= s.queue.cursor.scroll && s.queue.cursor.selected < s.queue.cursor.scroll + s.bodyHeight)
    }

    @Test("the mouse selects the clicked row and the wheel scrolls")
    func mouse() {
        var s = loadedQueue(20)
        _ = press(&s, .mouse(MouseEvent(kind: .press, row: ScreenLayout.listTop(s) + 4, col: 10)))
        #expect(s.queue.cursor.selected == 4)
        _ = press(&s, .mouse(MouseEvent(kind: .scrollDown, row: 5, col: 5)))
        #expect(s.queue.cursor.selected == 7)
        _ = press(&s, .mouse(MouseEvent(kind: .doubleClick, row: ScreenLayout.listTop(s) + 1, col: 10)))
        #expect(s.screen == .detail(LineKey(orderID: "SO-1001", lineNo: 1)))
    }

    @Test("a change in the mirror reloads around the selected line, keeping it selected")
    func mirrorChanged() {
        var s = loadedQueue(10)
        _ = press(&s, .char("j"), .char("j"), .char("j"))
        let commands = WorkbenchReducer.reduce(&s, .mirrorChanged)
        guard let around = commands.first(where: { if case .loadQueueAround = $0 { return true }; return false }),
              case .loadQueueAround(let request, _, _, _, _, let placement) = around else { Issue.record("\(commands)"); return }
        // The reloaded window has new rows before the selected one: the selection follows the line.
        let reloaded = [row("SO-0999")] + (0..<10).map { row("SO-\(1000 + $0)") }
        WorkbenchReducer.reduce(&s, .queueLoaded(request: request, placement: placement, rows: reloaded))
        #expect(s.queue.selectedRow?.key == LineKey(orderID: "SO-1003", lineNo: 1))
    }
}

@Suite("The reducer: command line, filter and sort")
struct CommandReducerTests {
    @Test(": commands switch views, and :q quits")
    func commands() {
        var s = loadedQueue(3)
        _ = press(&s, .char(":")); for c in "held" { _ = press(&s, .char(c)) }
        #expect(press(&s, .enter) == [.loadHeld])
        #expect(s.screen == .held && s.stack == [.held])
        _ = press(&s, .char(":")); for c in "escalations" { _ = press(&s, .char(c)) }
        #expect(press(&s, .enter) == [.loadEscalations])
        _ = press(&s, .char(":")); for c in "supply MX-200" { _ = press(&s, .char(c)) }
        #expect(press(&s, .enter) == [.loadSupply("MX-200")])
        _ = press(&s, .char(":")); for c in "audit" { _ = press(&s, .char(c)) }
        #expect(press(&s, .enter) == [.loadAudit(filter: "")])
        _ = press(&s, .char(":")); for c in "theme light" { _ = press(&s, .char(c)) }
        #expect(press(&s, .enter) == [.setTheme("light")])
        _ = press(&s, .char(":"), .char("q"))
        #expect(press(&s, .enter) == [.quit])
    }

    @Test("an unknown command is refused on the flash line")
    func unknownCommand() {
        var s = loadedQueue(3)
        _ = press(&s, .char(":"), .char("z"), .char("z"))
        #expect(press(&s, .enter).isEmpty)
        #expect(s.flash?.isError == true && s.flash!.text.contains(":zz"))
        #expect(s.screen == .queue)
    }

    @Test("Esc leaves the command line without doing anything")
    func escapeCommandLine() {
        var s = loadedQueue(3)
        _ = press(&s, .char(":"), .char("q"))
        #expect(press(&s, .escape).isEmpty)
        #expect(s.mode == .normal && !s.quitting)
    }

    @Test("/ filters the queue with typed terms and reloads it from the top")
    func filter() {
        var s = loadedQueue(3)
        _ = press(&s, .char("/"))
        for c in "type:SPLIT tier:A acme" { _ = press(&s, .char(c)) }
        let commands = press(&s, .enter)
        #expect(s.queue.query.filter.types == [.split])
        #expect(s.queue.query.filter.tiers == ["A"])
        #expect(s.queue.query.filter.text == ["acme"])
        guard case .loadQueue(_, let q, .first, _, .replaceFromTop)? = commands.first else { Issue.record("\(commands)"); return }
        #expect(q.filter == s.queue.query.filter)
        #expect(commands.contains { if case .loadCounts = $0 { return true }; return false })
    }

    @Test("a filter naming no exception type is refused and stays editable")
    func badFilter() {
        var s = loadedQueue(3)
        _ = press(&s, .char("/"))
        for c in "type:NOPE" { _ = press(&s, .char(c)) }
        #expect(press(&s, .enter).isEmpty)
        #expect(s.flash?.isError == true)
        guard case .filter(let f) = s.mode else { Issue.record("not editing"); return }
        #expect(f.text == "type:NOPE")
        #expect(s.queue.query.filter.isEmpty)
    }

    @Test("Esc on the queue clears an active filter")
    func escClearsFilter() throws {
        var s = loadedQueue(3)
        s.queue.query.filter = try QueueFilter(parsing: "sku:MX")
        _ = press(&s, .escape)
        #expect(s.queue.query.filter.isEmpty)
    }

    @Test("s cycles the sort key and reloads")
    func sort() {
        var s = loadedQueue(3)
        #expect(s.queue.query.sort == .priority)
        let commands = press(&s, .char("s"))
        #expect(s.queue.query.sort == .due)
        #expect(!commands.isEmpty)
        for _ in 0..<4 { _ = press(&s, .char("s")) }
        #expect(s.queue.query.sort == .priority)
    }
}
