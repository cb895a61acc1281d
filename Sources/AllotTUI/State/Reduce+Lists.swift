import AllotCore
import AllotStore

extension WorkbenchReducer {
    /// How many rows a window load asks for: a few screens, so scrolling rarely waits.
    static func windowSize(_ s: WorkbenchState) -> Int { max(60, s.bodyHeight * 3) }
    /// The most rows the queue keeps loaded; beyond it the far side of the window is dropped.
    static func windowLimit(_ s: WorkbenchState) -> Int { max(300, s.bodyHeight * 10) }

    /// Loads the queue afresh from the top (new filter or sort) and its counts.
    static func reloadQueue(_ s: inout WorkbenchState) -> [Command] {
        s.requestCounter += 1
        s.queue.pending = s.requestCounter
        s.queue.countsRequest = s.requestCounter
        s.queue.counts = nil
        return [.loadQueue(request: s.requestCounter, s.queue.query, .first, limit: windowSize(s), placement: .replaceFromTop),
                .loadCounts(request: s.requestCounter, s.queue.query.filter)]
    }

    static func queueLoaded(_ s: inout WorkbenchState, request: Int, placement: QueuePlacement, rows new: [QueueRow],
                            reachedStart: Bool = false) -> [Command] {
        guard s.queue.pending == request else { return [] }
        var q = s.queue
        q.pending = nil
        q.loaded = true
        let h = s.bodyHeight
        let full = windowSize(s)
        switch placement {
        case .replaceFromTop:
            q.rows = new; q.windowStart = 0; q.atStart = true; q.atEnd = new.count < full
            q.cursor = ListCursor()
        case .replaceFromBottom:
            q.rows = new; q.atEnd = true; q.atStart = new.count < full
            q.windowStart = max(0, (q.counts?.total ?? new.count) - new.count)
            q.cursor = ListCursor(selected: 0, scroll: 0)
            q.cursor.select(new.count - 1, count: new.count, height: h)
        case .append:
            q.rows += new
            q.atEnd = new.count < full
        case .prepend:
            q.rows = new + q.rows
            q.windowStart = max(0, q.windowStart - new.count)
            q.cursor.selected += new.count; q.cursor.scroll += new.count
            q.atStart = new.count < full
        case .around(let key, let position):
            let offsetInScreen = q.cursor.selected - q.cursor.scroll
            let oldStart = q.windowStart
            q.rows = new
            let index = new.firstIndex { $0.key == key } ?? min(position, max(0, new.count - 1))
            // Where the selected line used to be in the whole queue stays its position (for the status line),
            // unless the window is known to start at the top.
            q.windowStart = reachedStart ? 0 : max(0, oldStart + position - index)
            q.atStart = reachedStart
            q.atEnd = false
            q.cursor.selected = index
            q.cursor.scroll = max(0, index - offsetInScreen)
        }
        // Keep the window bounded: drop rows far from the selection.
        let limit = windowLimit(s)
        if q.rows.count > limit {
            if q.cursor.selected > q.rows.count / 2 {
                let drop = q.rows.count - limit
                q.rows.removeFirst(drop); q.windowStart += drop
                q.cursor.selected -= drop; q.cursor.scroll = max(0, q.cursor.scroll - drop)
                q.atStart = false
            } else {
                q.rows.removeLast(q.rows.count - limit)
                q.atEnd = false
            }
        }
        q.cursor.keepVisible(height: h, count: q.rows.count)
        s.queue = q
        return prefetchQueue(&s)
    }

    /// Asks for the next rows before the user reaches the edge of what is loaded.
    static func prefetchQueue(_ s: inout WorkbenchState) -> [Command] {
        guard s.screen == .queue, s.queue.pending == nil, !s.queue.rows.isEmpty else { return [] }
        let margin = s.bodyHeight * 2
        let q = s.queue
        if !q.atEnd, q.rows.count - q.cursor.selected <= margin {
            s.requestCounter += 1; s.queue.pending = s.requestCounter
            return [.loadQueue(request: s.requestCounter, q.query, .after(q.rows.last!.sortKey), limit: windowSize(s), placement: .append)]
        }
        if !q.atStart, q.cursor.selected < margin {
            s.requestCounter += 1; s.queue.pending = s.requestCounter
            return [.loadQueue(request: s.requestCounter, q.query, .before(q.rows.first!.sortKey), limit: windowSize(s), placement: .prepend)]
        }
        return []
    }

    static func move(_ s: inout WorkbenchState, by delta: Int) -> [Command] {
        let h = s.bodyHeight
        switch s.screen {
        case .queue:
            s.queue.cursor.move(by: delta, count: s.queue.rows.count, height: h)
            return prefetchQueue(&s)
        case .held: s.held.cursor.move(by: delta, count: s.held.rows.count, height: h)
        case .escalations: s.escalations.cursor.move(by: delta, count: s.escalations.rows.count, height: h)
        case .audit: s.audit.cursor.move(by: delta, count: s.audit.rows.count, height: h)
        case .detail:
            guard var d = s.detail else { return [] }
            d.cursor.move(by: delta, count: detailCount(d), height: h)
            s.detail = d
        case .supply:
            guard var m = s.supply else { return [] }
            m.cursor.move(by: delta, count: m.picture?.consumers.count ?? 0, height: h)
            s.supply = m
        case .panel:
            s.panelCursor.move(by: delta, count: s.panel?.rows.count ?? 0, height: h)
        }
        return []
    }

    static func jump(_ s: inout WorkbenchState, toEnd: Bool) -> [Command] {
        if s.screen == .queue {
            let q = s.queue
            if toEnd ? q.atEnd : q.atStart {
                s.queue.cursor.select(toEnd ? q.rows.count - 1 : 0, count: q.rows.count, height: s.bodyHeight)
                return prefetchQueue(&s)
            }
            s.requestCounter += 1
            s.queue.pending = s.requestCounter
            return [.loadQueue(request: s.requestCounter, q.query, toEnd ? .last : .first, limit: windowSize(s),
                               placement: toEnd ? .replaceFromBottom : .replaceFromTop)]
        }
        return move(&s, by: toEnd ? Int.max / 4 : -(Int.max / 4))
    }

    static func mouse(_ s: inout WorkbenchState, _ m: MouseEvent) -> [Command] {
        guard s.mouse else { return [] }
        switch m.kind {
        case .scrollUp: return move(&s, by: -3)
        case .scrollDown: return move(&s, by: 3)
        case .press, .doubleClick:
            let top = ScreenLayout.listTop(s)
            let row = m.row - top
            guard row >= 0, row < s.bodyHeight else { return [] }
            let target = listCursor(s).scroll + row
            var commands = move(&s, by: target - listCursor(s).selected)
            if m.kind == .doubleClick, listCursor(s).selected == target { commands += open(&s) }
            return commands
        }
    }

    /// The cursor of the list on screen (a fresh one where the screen has no list loaded yet).
    static func listCursor(_ s: WorkbenchState) -> ListCursor {
        switch s.screen {
        case .queue: return s.queue.cursor
        case .held: return s.held.cursor
        case .escalations: return s.escalations.cursor
        case .audit: return s.audit.cursor
        case .detail: return s.detail?.cursor ?? ListCursor()
        case .supply: return s.supply?.cursor ?? ListCursor()
        case .panel: return s.panelCursor
        }
    }

    /// Rows of the detail screen's focused pane.
    static func detailCount(_ d: DetailModel) -> Int {
        switch d.pane {
        case .options: return d.options.count
        case .lines: return d.detail?.orderLines.count ?? 0
        case .history: return d.history.count
        }
    }

    /// Whether the line in view is held (its order or its customer on hold).
    static func selectedLineHeld(_ s: WorkbenchState) -> Bool {
        switch s.screen {
        case .queue: return s.queue.selectedRow?.status == .held
        case .detail: return s.detail?.detail?.row.status == .held
        default: return false
        }
    }

    /// The line the user is looking at, on screens that show lines.
    static func selectedLine(_ s: WorkbenchState) -> (key: LineKey, sku: SKU, version: Int, lineVersion: Int)? {
        switch s.screen {
        case .queue: return s.queue.selectedRow.map { ($0.key, $0.sku, $0.version, $0.lineVersion) }
        case .detail: return s.detail?.detail.map { ($0.row.key, $0.row.sku, $0.row.version, $0.row.lineVersion) }
        case .escalations: return s.escalations.selectedRow.map { ($0.key, $0.sku, $0.version, $0.lineVersion) }
        case .supply:
            guard let m = s.supply, let p = m.picture, p.consumers.indices.contains(m.cursor.selected) else { return nil }
            let r = p.consumers[m.cursor.selected]
            return (r.key, r.sku, r.version, r.lineVersion)
        default: return nil
        }
    }
}
