import AllotCore
import AllotStore

/// The planner's exception queue: counts per exception type, then one row per line needing a decision.
enum QueueScreen {
    /// The queue's columns; `overrides` adds the override likelihood (only when the model has history to back it),
    /// taking its room from the customer name on a narrow terminal.
    static func columns(width: Int, overrides: Bool = false) -> [ColumnSpec] {
        let wide = width >= 110
        return TableDrawing.stretch([
            ColumnSpec(title: "order", width: wide ? 12 : 9),
            ColumnSpec(title: "tier customer", width: wide ? 20 : (overrides ? 8 : 12)),
            ColumnSpec(title: "sku", width: wide ? 10 : 8),
            ColumnSpec(title: "req", width: wide ? 6 : 4, right: true),
            ColumnSpec(title: "recommended", width: wide ? 18 : 12),
            ColumnSpec(title: "short", width: 5, right: true),
            ColumnSpec(title: wide ? "promise vs req" : "promise", width: wide ? 14 : 8),
            ColumnSpec(title: "age", width: 4, right: true),  // `3h`, `2d!` past the SLA
        ] + (overrides ? [ColumnSpec(title: wide ? "ovrd?" : "ov?", width: wide ? 5 : 3, right: true)] : []) + [
            ColumnSpec(title: "exceptions", width: 8),
        ], to: width)
    }

    static func draw(_ g: inout CellGrid, _ s: WorkbenchState, _ t: Theme) {
        headerBar(&g, s, t)
        let q = s.queue
        // The override likelihood is shown only when the model had enough history to fill it in (it says nothing rather than guess).
        let overrides = q.rows.contains { $0.overrideLikelihood != nil }
        let cols = columns(width: g.cols, overrides: overrides)
        TableDrawing.header(&g, row: 2, cols, style: t[.header])
        let top = ScreenLayout.listTop(s), h = s.bodyHeight
        if q.rows.isEmpty {
            let text: String
            if !q.loaded || q.pending != nil { text = "loading…" }
            else if s.plan == nil { text = "no plan yet: run `allot plan` to fill the queue" }
            else if !q.query.filter.isEmpty { text = "no line matches the filter \(q.query.filter) (Esc clears it)" }
            else { text = "nothing needs a decision" }
            WorkbenchView.empty(&g, row: top, text, t)
            return
        }
        for i in 0..<h {
            let index = q.cursor.scroll + i
            guard index < q.rows.count else { break }
            let r = q.rows[index]
            let tone: CellStyle = r.status == .backorder ? t[.danger] : (r.short > 0 ? t[.warning] : t[.base])
            // A line waiting longer than its queue's SLA is marked `!` (readable without colour) and drawn as danger.
            let waited = r.firstSeenAt.map { s.now.seconds - $0.seconds }
            let overdue = waited.map { s.policy.pastSLA(r.exceptions.first, waited: $0) } ?? false
            let age = waited.map { Format.age($0) + (overdue ? "!" : "") } ?? ""
            let promise = Format.promise(r.promiseDate, requested: r.requestedDate)
            let promiseText = g.cols >= 110 ? "\(r.requestedDate?.short ?? "?") \(promise)" : promise
            // Likely to be overridden (at least even odds) reads as a warning: the engine's own doubt about this line.
            let likely = (r.overrideLikelihood ?? 0) >= 0.5
            let overrideCells = overrides ? [r.overrideLikelihood.map { "\(min(99, Int(($0 * 100).rounded())))%" } ?? ""] : []
            let overrideStyles: [CellStyle?] = overrides ? [likely ? t[.warning] : t[.muted]] : []
            TableDrawing.draw(&g, row: top + i, cols, [
                r.key.description, "\(r.tier) \(r.customerName.isEmpty ? r.customerID : r.customerName)", r.sku,
                String(r.requested), Format.allocations(r.allocations), r.short > 0 ? String(r.short) : "", promiseText, age,
            ] + overrideCells + [
                (r.needsRecheck ? "RECHECK " : "") + (r.decisionState == "rejected" ? "REJECTED " : "") + Format.exceptions(r.exceptions),
            ], style: t[.base], styles: [nil, nil, nil, nil, nil, tone, r.promiseDate.flatMap { p in r.requestedDate.map { p > $0 } } == true ? t[.warning] : nil, overdue ? t[.danger] : t[.muted]]
                + overrideStyles + [t[.tag]])
            if index == q.cursor.selected { WorkbenchView.select(&g, row: top + i, t) }
        }
    }

    static func rightText(_ q: QueueModel) -> String {
        let sort = "sort:\(q.query.sort.rawValue)"
        return q.query.filter.isEmpty ? sort : "/\(q.query.filter)  " + sort
    }

    /// Counts per exception type, the total, the sort key and the filter.
    static func headerBar(_ g: inout CellGrid, _ s: WorkbenchState, _ t: Theme) {
        let q = s.queue
        var col = 1
        if let c = q.counts {
            col = g.put("\(Format.count(c.total)) lines", row: 1, col: col, style: t[.title])
            let room = g.cols - TextWidth.of(rightText(q)) - 3
            let kinds = ExceptionKind.allCases.filter { (c.byType[$0] ?? 0) > 0 }
            for (i, kind) in kinds.enumerated() {
                let n = Format.count(c.byType[kind]!)
                let need = 2 + TextWidth.of(kind.rawValue) + 1 + TextWidth.of(n) + (i < kinds.count - 1 ? 3 : 0)
                if col + need > room {
                    col = g.put("  +\(kinds.count - i) more", row: 1, col: col, style: t[.muted])
                    break
                }
                col = g.put("  ", row: 1, col: col, style: t[.base])
                col = g.put(kind.rawValue, row: 1, col: col, style: t[.tag])
                col = g.put(" " + n, row: 1, col: col, style: t[.base])
            }
        } else {
            col = g.put("counting…", row: 1, col: col, style: t[.muted])
        }
        let right = rightText(q)
        let w = TextWidth.of(right) + 1
        if g.cols - w > col + 1 { g.put(right, row: 1, col: g.cols - w, style: t[.accent]) }
    }
}
