import AllotCore
import AllotStore

/// The screens that are one list: held orders, escalations, audit, and registered panels.
enum ListScreens {
    static func held(_ g: inout CellGrid, _ s: WorkbenchState, _ t: Theme) {
        let rows = s.held.rows
        let byKind = Dictionary(grouping: rows, by: \.kind).mapValues(\.count)
        g.put(" \(rows.count) orders  ·  order hold \(byKind[.orderHold] ?? 0)  ·  credit hold \(byKind[.creditHold] ?? 0)  ·  customer answer \(byKind[.waitingOnCustomer] ?? 0)",
              row: 1, col: 0, style: t[.title])
        let wide = g.cols >= 110
        let cols = TableDrawing.stretch([
            ColumnSpec(title: "order", width: wide ? 12 : 9), ColumnSpec(title: "tier customer", width: wide ? 22 : 14),
            ColumnSpec(title: "hold", width: 15), ColumnSpec(title: "lines", width: 5, right: true),
            ColumnSpec(title: "value", width: wide ? 12 : 9, right: true), ColumnSpec(title: "age", width: 4, right: true),
            ColumnSpec(title: "last note · reason", width: 10),
        ], to: g.cols)
        list(&g, s, t, cols, count: rows.count, cursor: s.held.cursor, loaded: s.held.loaded,
             empty: "no held orders") { i in
            let o = rows[i]
            let age = o.orderDate.map { Format.age(s.now.seconds - $0.unixSeconds) } ?? ""
            return ([o.orderID, "\(o.tier) \(o.customerName.isEmpty ? o.customerID : o.customerName)", o.kind.rawValue,
                     String(o.lines), Format.money(o.value), age, [o.lastNote ?? "", o.reason].filter { !$0.isEmpty }.joined(separator: " · ")],
                    o.kind == .creditHold ? t[.warning] : t[.base])
        }
    }

    static func escalations(_ g: inout CellGrid, _ s: WorkbenchState, _ t: Theme) {
        let rows = s.escalations.rows
        g.put(" \(rows.count) waiting for approval  ·  y approve  ·  x reject  ·  Enter the line", row: 1, col: 0, style: t[.title])
        let wide = g.cols >= 110
        let cols = TableDrawing.stretch([
            ColumnSpec(title: "line", width: wide ? 12 : 10), ColumnSpec(title: "by", width: wide ? 8 : 6),
            // Wide enough for the default reason codes (CONSOLIDATE_SHIPMENT, CUSTOMER_ESCALATION).
            ColumnSpec(title: "reason", width: wide ? 20 : 11), ColumnSpec(title: "recommended", width: wide ? 16 : 10),
            ColumnSpec(title: "requested", width: wide ? 16 : 10), ColumnSpec(title: "cost Δ", width: 9, right: true),
            ColumnSpec(title: "service · note", width: 10),
        ], to: g.cols)
        list(&g, s, t, cols, count: rows.count, cursor: s.escalations.cursor, loaded: s.escalations.loaded,
             empty: "no escalations waiting") { i in
            let e = rows[i]
            let service = [e.serviceImpact, e.note].filter { !$0.isEmpty }.joined(separator: " · ")
            return ([e.key.description, e.escalatedBy, e.reason, e.recommended, e.requested,
                     e.costDelta.map(Format.delta) ?? "", service], (e.costDelta ?? 0) > 0 ? t[.warning] : t[.base])
        }
    }

    static func audit(_ g: inout CellGrid, _ s: WorkbenchState, _ t: Theme) {
        let rows = s.audit.rows
        g.put(" \(rows.count) decisions, newest first" + (s.auditFilter.isEmpty ? "" : "  ·  filter: \(s.auditFilter)"),
              row: 1, col: 0, style: t[.title])
        let wide = g.cols >= 110
        let cols = TableDrawing.stretch([
            ColumnSpec(title: "at", width: wide ? 20 : 11), ColumnSpec(title: "user", width: 8),
            ColumnSpec(title: "role", width: wide ? 16 : 10), ColumnSpec(title: "action", width: 9),
            ColumnSpec(title: "line/order", width: wide ? 12 : 10), ColumnSpec(title: "reason · note", width: 10),
        ], to: g.cols)
        list(&g, s, t, cols, count: rows.count, cursor: s.audit.cursor, loaded: s.audit.loaded,
             empty: "no decisions recorded yet") { i in
            let a = rows[i]
            let at = a.at.map { wide ? $0.description : String($0.description.dropFirst(5).prefix(11)) } ?? ""
            return ([at, a.user, a.role, a.action, a.target, [a.reason, a.note].filter { !$0.isEmpty }.joined(separator: " · ")], t[.base])
        }
    }

    static func panel(_ g: inout CellGrid, _ s: WorkbenchState, _ t: Theme) {
        guard let p = s.panel else { WorkbenchView.empty(&g, row: 2, "loading…", t); return }
        for (i, line) in p.summary.enumerated() { g.put(" " + line, row: 1 + i, col: 0, style: i == 0 ? t[.title] : t[.base]) }
        let cols = TableDrawing.stretch(p.columns.map { ColumnSpec(title: $0.title, width: $0.width, right: $0.alignRight) }, to: g.cols)
        list(&g, s, t, cols, count: p.rows.count, cursor: s.panelCursor, loaded: true, empty: "nothing to show") { i in
            let tone: CellStyle
            switch p.tones.indices.contains(i) ? p.tones[i] : .normal {
            case .normal: tone = t[.base]
            case .good: tone = t[.good]
            case .warning: tone = t[.warning]
            case .danger: tone = t[.danger]
            case .muted: tone = t[.muted]
            }
            return (p.rows[i], tone)
        }
    }

    /// Draws a list under its column header, with the selection bar.
    static func list(_ g: inout CellGrid, _ s: WorkbenchState, _ t: Theme, _ cols: [ColumnSpec], count: Int, cursor: ListCursor,
                     loaded: Bool, empty: String, row: (Int) -> ([String], CellStyle)) {
        let top = ScreenLayout.listTop(s)
        TableDrawing.header(&g, row: top - 1, cols, style: t[.header])
        guard count > 0 else { WorkbenchView.empty(&g, row: top, loaded ? empty : "loading…", t); return }
        for i in 0..<s.bodyHeight {
            let index = cursor.scroll + i
            guard index < count else { break }
            let (values, style) = row(index)
            TableDrawing.draw(&g, row: top + i, cols, values, style: style)
            if index == cursor.selected { WorkbenchView.select(&g, row: top + i, t) }
        }
    }
}
