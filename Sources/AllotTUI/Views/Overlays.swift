import AllotCore
import AllotStore

/// Boxes drawn over the screen: the keys of the current view, the rationale prompt, the override editor.
enum Overlays {
    /// Draws a framed box centred on the screen and returns its inner rectangle (top row, left column, width).
    @discardableResult
    static func box(_ g: inout CellGrid, title: String, height: Int, width: Int, _ t: Theme) -> (top: Int, left: Int, width: Int, height: Int) {
        let w = min(width, g.cols - 2), h = min(height, g.rows - 2)
        let top = max(0, (g.rows - h) / 2), left = max(0, (g.cols - w) / 2)
        let style = t[.overlay]
        g.fill(row: top, col: left, height: h, width: w, style: style)
        g.put("┌" + String(repeating: "─", count: max(0, w - 2)) + "┐", row: top, col: left, style: style)
        for r in (top + 1)..<(top + h - 1) {
            g.put("│", row: r, col: left, style: style)
            g.put("│", row: r, col: left + w - 1, style: style)
        }
        g.put("└" + String(repeating: "─", count: max(0, w - 2)) + "┘", row: top + h - 1, col: left, style: style)
        var ts = style; ts.bold = true
        g.put(" \(title) ", row: top, col: left + 2, style: ts, maxWidth: w - 4)
        return (top + 1, left + 2, w - 4, h - 2)
    }

    static func help(_ g: inout CellGrid, _ s: WorkbenchState, _ t: Theme) {
        let intents: [Intent]
        let common: [Intent] = [.moveUp, .moveDown, .pageUp, .pageDown, .top, .bottom, .open, .back, .help, .command, .refresh, .quit]
        switch s.screen {
        case .queue: intents = common + [.filter, .sort, .accept, .override, .escalate, .hold, .release, .note, .supply]
        case .held: intents = common + [.hold, .release, .cancelOrder, .note]
        case .escalations: intents = common + [.approve, .reject, .supply]
        case .audit: intents = common + [.filter]
        case .detail: intents = common + [.nextPane, .accept, .override, .escalate, .approve, .reject, .hold, .release, .note, .supply]
        case .supply, .panel: intents = common
        }
        let lines = intents.map { i in (s.keyMap.keys(for: i).map(\.label).joined(separator: " "), i.summary) }
        // One column when every key fits; two, with shorter descriptions, on a small terminal rather than leave keys out.
        let oneColumnFits = lines.count + 4 <= g.rows - 2
        let perColumn = oneColumnFits ? lines.count : (lines.count + 1) / 2
        // In one column, as wide as the longest keys and description need (within the terminal), so that neither is cut.
        let keyWidth = oneColumnFits ? min(max(14, lines.map { TextWidth.of($0.0) }.max() ?? 0), 24) : 11
        let needed = keyWidth + 1 + (lines.map { TextWidth.of($0.1) }.max() ?? 0) + 4
        let inner = box(&g, title: "Keys — \(s.screen.title)", height: perColumn + 4, width: oneColumnFits ? max(76, needed) : 78, t)
        var st = t[.overlay]; st.bold = true
        let columnWidth = oneColumnFits ? inner.width : (inner.width - 2) / 2
        for (i, (keys, what)) in lines.enumerated() {
            let row = inner.top + i % perColumn, col = inner.left + (i / perColumn) * (columnWidth + 2)
            guard row < inner.top + inner.height - 1 else { continue }
            g.put(TextWidth.fit(keys, keyWidth), row: row, col: col, style: st, maxWidth: keyWidth)
            let room = columnWidth - keyWidth - 1
            g.put(TextWidth.truncate(what, to: room), row: row, col: col + keyWidth + 1, style: t[.overlay], maxWidth: room)
        }
        g.put("any key closes · keys can be remapped in config.toml", row: inner.top + inner.height - 1, col: inner.left,
              style: t[.overlay], maxWidth: inner.width)
    }

    static func rationale(_ g: inout CellGrid, _ p: RationalePrompt, _ s: WorkbenchState, _ t: Theme) {
        let title = p.request.action == .note ? "Note on \(p.request.target)" : "\(p.request.action.rawValue.capitalized) \(p.request.target) — why?"
        let inner = box(&g, title: title, height: p.reasons.count + 7, width: 64, t)
        g.put(p.reasons.isEmpty ? "no reason code needed; write the note:" : "reason (↑↓):", row: inner.top, col: inner.left, style: t[.overlay])
        for (i, r) in p.reasons.enumerated() {
            let row = inner.top + 1 + i
            guard row < inner.top + inner.height - 3 else { break }
            g.put((i == p.reasonIndex ? "▶ " : "  ") + r, row: row, col: inner.left + 1, style: t[.overlay], maxWidth: inner.width - 1)
            if i == p.reasonIndex { g.restyle(row: row, col: inner.left + 1, width: inner.width - 1) { $0.reverse = true } }
        }
        let noteRow = inner.top + inner.height - 2
        g.put("note: ", row: noteRow, col: inner.left, style: t[.overlay])
        let visible = TextWidth.truncate(String(p.note.text.suffix(inner.width - 8)), to: inner.width - 8)
        let end = g.put(visible, row: noteRow, col: inner.left + 6, style: t[.overlay], maxWidth: inner.width - 7)
        g.put(" ", row: noteRow, col: end, style: CellStyle(reverse: true))
        g.put("Enter records · Esc cancels", row: inner.top + inner.height - 1, col: inner.left, style: t[.overlay], maxWidth: inner.width)
    }

    static func override(_ g: inout CellGrid, _ e: OverrideEditor, _ t: Theme) {
        // The supply column grows for long supply names ("MEM substitute:NS-1000B") as far as the terminal allows.
        let labelWidth = e.choices.labelWidth(least: 22, most: min(32, 22 + max(0, g.cols - 2 - 78)))
        let inner = box(&g, title: "Override \(e.key) — \(e.requested) requested", height: e.choices.count + 8, width: 78 + labelWidth - 22, t)
        let lanes = e.choices.anyExpedited
        var cols = [ColumnSpec(title: "warehouse/supply", width: labelWidth), ColumnSpec(title: "ATP", width: 6, right: true),
                    ColumnSpec(title: "arrive", width: 6), ColumnSpec(title: "late", width: 4, right: true)]
        if lanes { cols.append(ColumnSpec(title: "lane", width: 8)) }
        cols += [ColumnSpec(title: "cost/u", width: 7, right: true), ColumnSpec(title: "rec", width: 5, right: true),
                 ColumnSpec(title: "qty", width: 6, right: true)]
        var x = inner.left
        var hs = t[.overlay]; hs.underline = true
        for c in cols { g.put(TextWidth.fit(c.title, c.width, right: c.right), row: inner.top, col: x, style: hs); x += c.width + 1 }
        for (i, c) in e.choices.enumerated() {
            let row = inner.top + 1 + i
            guard row < inner.top + inner.height - 3 else { break }
            var values = [c.label, String(c.available), c.arrivalDate.short, c.daysLate > 0 ? "+\(c.daysLate)" : ""]
            if lanes { values.append(c.mode.rawValue) }
            values += [Format.money(c.unitCost), String(c.chosenQty), String(e.quantities[i])]
            var col = inner.left
            for (j, spec) in cols.enumerated() {
                var st = t[.overlay]
                // The quantity (last column) in red when it is more than the supply has.
                if j == cols.count - 1 && e.quantities[i] > c.available { st = t[.danger] }
                g.put(TextWidth.fit(values[j], spec.width, right: spec.right), row: row, col: col, style: st); col += spec.width + 1
            }
            if i == e.cursor { g.restyle(row: row, col: inner.left, width: inner.width) { $0.reverse = true } }
        }
        let delta = e.cost - e.recommendedCost
        let fill = e.requested > 0 ? Double(e.total) / Double(e.requested) * 100 : 0
        let recFill = e.requested > 0 ? Double(e.recommendedTotal) / Double(e.requested) * 100 : 0
        let summary = "total \(e.total)/\(e.requested) (\(Int(fill.rounded()))% vs \(Int(recFill.rounded()))%)  cost \(Format.money(e.cost)) (\(Format.delta(delta)))  latest +\(e.latestArrivalLate)d"
        g.put(summary, row: inner.top + inner.height - 3, col: inner.left, style: t[.overlay], maxWidth: inner.width)
        if let problem = e.problem {
            g.put("✗ " + problem, row: inner.top + inner.height - 2, col: inner.left, style: t[.danger], maxWidth: inner.width)
        } else {
            g.put("✓ feasible", row: inner.top + inner.height - 2, col: inner.left, style: t[.good], maxWidth: inner.width)
        }
        g.put("↑↓ option · ←→/digits qty · m all here · Enter next · Esc cancel", row: inner.top + inner.height - 1, col: inner.left,
              style: t[.overlay], maxWidth: inner.width)
    }
}
