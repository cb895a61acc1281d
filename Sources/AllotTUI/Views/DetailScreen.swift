import AllotCore
import AllotStore

/// The line detail: what the line is, why the engine recommends what it does, and three panes (options, the
/// order's lines, the decision history) that Tab moves between.
enum DetailScreen {
    static func draw(_ g: inout CellGrid, _ s: WorkbenchState, _ t: Theme) {
        guard let d = s.detail else { return }
        guard let detail = d.detail else {
            // The history comes newest first: its first decision other than a note is what took the line out.
            if d.missing, let last = d.history.first(where: { $0.action != DecisionAction.note.rawValue }) {
                left(&g, s, d, last: last, t)
            } else {
                WorkbenchView.empty(&g, row: 2, d.missing ? "\(d.key) is not in the current plan" : "loading…", t)
            }
            return
        }
        let r = detail.row
        var col = g.put(" \(r.key)", row: 1, col: 0, style: t[.title])
        col = g.put("  \(r.sku) × \(r.requested)", row: 1, col: col, style: t[.accent])
        col = g.put("  \(r.tier) \(r.customerName.isEmpty ? r.customerID : r.customerName)", row: 1, col: col, style: t[.base])
        g.put("  requested \(r.requestedDate?.description ?? "?")  class \(r.priorityClass)  \(r.status.rawValue)  v\(r.version)",
              row: 1, col: col, style: t[.muted])
        col = g.put(" recommended \(Format.allocations(r.allocations))", row: 2, col: 0, style: t[.base])
        if r.short > 0 { col = g.put("  short \(r.short)", row: 2, col: col, style: t[.warning]) }
        col = g.put("  cost \(Format.money(r.cost))  promise \(Format.promise(r.promiseDate, requested: r.requestedDate))", row: 2, col: col, style: t[.base])
        g.put("  " + Format.exceptions(r.exceptions), row: 2, col: col, style: t[.tag])
        wrap(&g, "why: " + detail.rationale, rows: 3...4, t[.base])

        var tabCol = 1
        for pane in DetailModel.Pane.allCases {
            let name: String
            switch pane {
            case .options: name = "Options (\(d.options.count))"
            case .lines: name = "Order lines (\(detail.orderLines.count))"
            case .history: name = "History (\(d.history.count))"
            }
            let style = pane == d.pane ? t[.selection] : t[.muted]
            tabCol = g.put(" \(name) ", row: 5, col: tabCol, style: style) + 1
        }
        g.put("Tab: next pane  o: override  S: supply", row: 5, col: tabCol + 1, style: t[.muted])

        switch d.pane {
        case .options:
            // A substitute's acceptance by this customer gets a column only when the line has a substitute option.
            let substitutes = d.options.contains { $0.acceptance != nil }
            let lanes = d.options.anyExpedited
            let wide = g.cols >= 110
            // On a wide terminal the supply column fits names up to 30 wide ("MEM substitute:NS-1000B"); the reasons take the rest.
            let labels = wide ? d.options.labelWidth(least: 22, most: 30) : 18
            var specs = [
                ColumnSpec(title: "warehouse/supply", width: labels), ColumnSpec(title: "ATP", width: 6, right: true),
                ColumnSpec(title: "ship", width: 5), ColumnSpec(title: "arrive", width: 6), ColumnSpec(title: "late", width: 4, right: true),
            ]
            if lanes { specs.append(ColumnSpec(title: "lane", width: 8)) }
            specs += [ColumnSpec(title: "cost/u", width: 7, right: true), ColumnSpec(title: "margin", width: 7, right: true)]
            if substitutes { specs.append(ColumnSpec(title: "accepts", width: wide ? 16 : 9)) }
            let cols = TableDrawing.stretch(specs + [ColumnSpec(title: "chosen / why not", width: 10)], to: g.cols)
            ListScreens.list(&g, s, t, cols, count: d.options.count, cursor: d.cursor, loaded: d.optionsLoaded,
                             empty: "no sourcing options for this line") { i in
                let o = d.options[i]
                var values = [o.label, String(o.available), o.shipDate.short, o.arrivalDate.short, o.daysLate > 0 ? "+\(o.daysLate)" : ""]
                if lanes { values.append(o.mode.rawValue) }
                values += [Format.money(o.unitCost), o.margin.map { "\(Int(($0 * 100).rounded()))%" } ?? ""]
                if substitutes { values.append(o.acceptance.map { wide ? $0.columnText : $0.compactSummary } ?? "") }
                values.append(o.chosenQty > 0 ? "✓ \(o.chosenQty)" : o.whyNot)
                return (values, o.chosenQty > 0 ? t[.good] : t[.base])
            }
        case .lines:
            let cols = TableDrawing.stretch([
                ColumnSpec(title: "line", width: 12), ColumnSpec(title: "sku", width: 10), ColumnSpec(title: "req", width: 5, right: true),
                ColumnSpec(title: "recommended", width: 16), ColumnSpec(title: "short", width: 5, right: true),
                ColumnSpec(title: "status", width: 9), ColumnSpec(title: "exceptions", width: 10),
            ], to: g.cols)
            ListScreens.list(&g, s, t, cols, count: detail.orderLines.count, cursor: d.cursor, loaded: true, empty: "") { i in
                let l = detail.orderLines[i]
                return ([l.key.description + (l.key == d.key ? " ◀" : ""), l.sku, String(l.requested), Format.allocations(l.allocations),
                         l.short > 0 ? String(l.short) : "", l.status.rawValue, Format.exceptions(l.exceptions)],
                        l.key == d.key ? t[.accent] : t[.base])
            }
        case .history:
            history(&g, s, d, t)
        }
    }

    /// The line's decisions, oldest first.
    static func history(_ g: inout CellGrid, _ s: WorkbenchState, _ d: DetailModel, _ t: Theme) {
        let cols = TableDrawing.stretch([
            ColumnSpec(title: "at", width: 20), ColumnSpec(title: "user", width: 8), ColumnSpec(title: "role", width: 10),
            ColumnSpec(title: "action", width: 9), ColumnSpec(title: "reason · note", width: 10),
        ], to: g.cols)
        ListScreens.list(&g, s, t, cols, count: d.history.count, cursor: d.cursor, loaded: true, empty: "no decisions on this line yet") { i in
            let h = d.history[i]
            return ([h.at?.description ?? "", h.user, h.role, h.action, [h.reason, h.note].filter { !$0.isEmpty }.joined(separator: " · ")], t[.base])
        }
    }

    /// A line that decisions took out of the plan (released, cancelled): what became of it and who decided, then its
    /// decisions, instead of a bare "not in the plan" that leaves the planner to guess.
    static func left(_ g: inout CellGrid, _ s: WorkbenchState, _ d: DetailModel, last: DecisionHistoryEntry, _ t: Theme) {
        let col = g.put(" \(d.key)", row: 1, col: 0, style: t[.title])
        g.put("  is not in the current plan", row: 1, col: col, style: t[.muted])
        let why = [last.reason, last.note].filter { !$0.isEmpty }.joined(separator: " · ")
        let decided = "last decision: \(last.action) by \(last.user) (\(last.role))" + (last.at.map { " at \($0)" } ?? "")
            + (why.isEmpty ? "" : " · " + why)
        g.put(" " + TextWidth.truncate(decided, to: g.cols - 2), row: 2, col: 0, style: t[.base])
        let fate: String
        switch DecisionAction(rawValue: last.action) {
        case .release?, .approve?:
            fate = "its units are released and reserved for it, so the engine no longer plans it"
        case .cancel?:
            fate = "its order is cancelled, so the engine no longer plans it"
        default:
            fate = "its order is no longer open in the mirror"
        }
        g.put(" " + fate, row: 3, col: 0, style: t[.muted], maxWidth: g.cols)
        g.put(" History (\(d.history.count)) ", row: 5, col: 1, style: t[.selection])
        history(&g, s, d, t)
    }

    /// Word-wraps text over the given screen rows, cutting the last one with `…`.
    static func wrap(_ g: inout CellGrid, _ text: String, rows: ClosedRange<Int>, _ style: CellStyle) {
        let width = g.cols - 2
        var lines: [String] = []
        var current = ""
        for word in TextWidth.sanitize(text).split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if TextWidth.of(candidate) <= width || current.isEmpty { current = candidate } else { lines.append(current); current = String(word) }
        }
        if !current.isEmpty { lines.append(current) }
        for (i, row) in rows.enumerated() where i < lines.count {
            let last = i == rows.count - 1 && lines.count > rows.count
            g.put(" " + (last ? TextWidth.truncate(lines[i] + " " + lines[(i + 1)...].joined(separator: " "), to: width) : lines[i]),
                  row: row, col: 0, style: style, maxWidth: width + 1)
        }
    }
}

/// The supply of one sku: ATP per warehouse now, ATP as receipts arrive, and the lines consuming it.
enum SupplyScreen {
    static func draw(_ g: inout CellGrid, _ s: WorkbenchState, _ t: Theme) {
        guard let m = s.supply else { return }
        guard let p = m.picture else {
            WorkbenchView.empty(&g, row: 2, m.missing ? "no sku \(m.sku) in the mirror" : "loading…", t)
            return
        }
        g.put(" \(p.sku)  \(p.description)", row: 1, col: 0, style: t[.title])
        var row = 2
        let posCols = TableDrawing.stretch([
            ColumnSpec(title: "warehouse", width: 10), ColumnSpec(title: "on hand", width: 8, right: true),
            ColumnSpec(title: "reserved", width: 8, right: true), ColumnSpec(title: "safety", width: 7, right: true),
            ColumnSpec(title: "released", width: 8, right: true), ColumnSpec(title: "ATP now", width: 8, right: true),
            ColumnSpec(title: "planned", width: 8, right: true),
        ], to: g.cols)
        TableDrawing.header(&g, row: row, posCols, style: t[.header]); row += 1
        for pos in p.positions {
            TableDrawing.draw(&g, row: row, posCols, [pos.warehouseID, Format.count(pos.onHand), Format.count(pos.reserved),
                                                      Format.count(pos.safetyStock), Format.count(pos.released),
                                                      Format.count(pos.availableToPromise), Format.count(pos.planned)],
                              style: pos.availableToPromise == 0 ? t[.warning] : t[.base])
            row += 1
        }
        row += 1
        let warehouses = p.positions.map(\.warehouseID)
        let timeline = p.timeline(from: s.now.day)
        let tlCols = TableDrawing.stretch([ColumnSpec(title: "ATP by day", width: 10)]
            + warehouses.map { ColumnSpec(title: $0, width: max(7, TextWidth.of($0)), right: true) }
            + [ColumnSpec(title: "arriving", width: 8)], to: g.cols)
        TableDrawing.header(&g, row: row, tlCols, style: t[.header]); row += 1
        for (i, entry) in timeline.prefix(ScreenLayout.maxTimelineRows).enumerated() {
            let arriving = p.receipts.filter { max(s.now.day, $0.eta) == entry.day }.map { "\($0.warehouseID)+\($0.qty)" }.joined(separator: " ")
            let label = i == 0 ? "now" : entry.day.description
            TableDrawing.draw(&g, row: row, tlCols, [label] + warehouses.map { Format.count(entry.atp[$0] ?? 0) } + [arriving], style: t[.base])
            row += 1
        }
        let cols = TableDrawing.stretch([
            ColumnSpec(title: "consumer line", width: 13), ColumnSpec(title: "tier customer", width: 16),
            ColumnSpec(title: "cls", width: 3, right: true), ColumnSpec(title: "req", width: 5, right: true),
            ColumnSpec(title: "takes", width: 18), ColumnSpec(title: "status", width: 9),
        ], to: g.cols)
        ListScreens.list(&g, s, t, cols, count: p.consumers.count, cursor: m.cursor, loaded: true, empty: "no line consumes it") { i in
            let r = p.consumers[i]
            return ([r.key.description, "\(r.tier) \(r.customerName.isEmpty ? r.customerID : r.customerName)", String(r.priorityClass),
                     String(r.requested), Format.allocations(r.allocations), r.status.rawValue], t[.base])
        }
        if p.consumerCount > p.consumers.count {
            g.put(" first \(p.consumers.count) of \(Format.count(p.consumerCount)) consumers", row: s.rows - 3, col: 0, style: t[.muted])
        }
    }
}
