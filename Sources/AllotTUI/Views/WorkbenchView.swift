import AllotCore
import AllotStore

/// Draws the whole workbench for a state: chrome (breadcrumbs, header, status, flash), the screen, and overlays.
public enum WorkbenchView {
    public static func render(_ s: WorkbenchState, theme: Theme) -> CellGrid {
        var g = CellGrid(rows: s.rows, cols: s.cols, style: theme[.base])
        guard s.rows >= 4, s.cols >= 20 else {
            g.put("terminal too small", row: 0, col: 0, style: theme[.danger])
            return g
        }
        breadcrumbs(&g, s, theme)
        switch s.screen {
        case .queue: QueueScreen.draw(&g, s, theme)
        case .held: ListScreens.held(&g, s, theme)
        case .escalations: ListScreens.escalations(&g, s, theme)
        case .audit: ListScreens.audit(&g, s, theme)
        case .detail: DetailScreen.draw(&g, s, theme)
        case .supply: SupplyScreen.draw(&g, s, theme)
        case .panel: ListScreens.panel(&g, s, theme)
        }
        statusLine(&g, s, theme)
        bottomLine(&g, s, theme)
        switch s.mode {
        case .help: Overlays.help(&g, s, theme)
        case .rationale(let p): Overlays.rationale(&g, p, s, theme)
        case .override(let e): Overlays.override(&g, e, theme)
        default: break
        }
        return g
    }

    static func breadcrumbs(_ g: inout CellGrid, _ s: WorkbenchState, _ t: Theme) {
        g.fill(row: 0, style: t[.statusBar])
        var col = g.put(" allot", row: 0, col: 0, style: merge(t[.statusBar], bold: true))
        for screen in s.stack {
            col = g.put(" › ", row: 0, col: col, style: t[.statusBar])
            col = g.put(screen.title, row: 0, col: col, style: merge(t[.statusBar], bold: screen == s.screen))
        }
        let hint = "?:keys  ::command  q:quit "
        if g.cols - TextWidth.of(hint) > col + 2 {
            g.put(hint, row: 0, col: g.cols - TextWidth.of(hint), style: t[.statusBar])
        }
    }

    static func statusLine(_ g: inout CellGrid, _ s: WorkbenchState, _ t: Theme) {
        let row = s.rows - 2
        g.fill(row: row, style: t[.statusBar])
        var parts = [" \(s.session.user) · \(s.session.role.rawValue)", "mirror \(s.session.mirrorName)"]
        if let p = s.plan {
            parts.append(planText(p, now: s.now, withDate: true))
        } else {
            parts.append("no plan yet: run allot plan")
        }
        let right = position(s).map { $0 + " " } ?? ""
        var left = parts.joined(separator: "  │  ")
        if TextWidth.of(left) + TextWidth.of(right) >= g.cols, let p = s.plan {
            // Narrow terminals: drop the plan's date before cutting anything else.
            parts[parts.count - 1] = planText(p, now: s.now, withDate: false)
            left = parts.joined(separator: " │ ")
        }
        // A stale or failing source shows as a red marker left of the position, cut before anything else is.
        var marker = s.sourcesAlert.map { " \($0) " } ?? ""
        let room = g.cols - TextWidth.of(right) - TextWidth.of(left) - 2
        if TextWidth.of(marker) > room { marker = s.sourcesAlert == nil || room < 3 ? "" : " ● " }
        let markerCol = g.cols - TextWidth.of(right) - TextWidth.of(marker)
        g.put(left, row: row, col: 0, style: t[.statusBar], maxWidth: markerCol - 1)
        if !marker.isEmpty { g.put(marker, row: row, col: markerCol, style: t[.danger]) }
        if !right.isEmpty { g.put(right, row: row, col: g.cols - TextWidth.of(right), style: t[.statusBar]) }
    }

    /// How current the plan is: "plan 21s old", or "plan updated 3s ago" once a re-plan has kept it up to date, and
    /// ", 1,234 changes behind" while imports or decisions wait for a re-plan (`allot watch` or `allot plan`).
    public static func planText(_ p: PlanHeader, now: Timestamp, withDate: Bool) -> String {
        var text: String
        if let updated = p.updatedAt, updated.seconds > (p.createdAt?.seconds ?? -.infinity) {
            text = "plan updated \(Format.age(now.seconds - updated.seconds)) ago"
        } else {
            text = "plan " + (p.createdAt.map { Format.age(now.seconds - $0.seconds) + " old" } ?? "age unknown")
        }
        if withDate, let day = p.asOf { text += " (as of \(day))" }
        if let behind = p.changesBehind, behind > 0 {
            text += ", " + Format.count(behind) + (behind >= PlanHeader.behindCap ? "+" : "") + (behind == 1 ? " change" : " changes") + " behind"
        }
        return text
    }

    /// `12/1,234` for the list in view.
    static func position(_ s: WorkbenchState) -> String? {
        switch s.screen {
        case .queue:
            guard !s.queue.rows.isEmpty else { return nil }
            let at = s.queue.windowStart + s.queue.cursor.selected + 1
            let total = s.queue.counts.map { Format.count($0.total) } ?? (s.queue.atEnd && s.queue.atStart ? Format.count(s.queue.rows.count) : "…")
            return "\(Format.count(at))/\(total)"
        case .held: return s.held.rows.isEmpty ? nil : "\(s.held.cursor.selected + 1)/\(s.held.rows.count)"
        case .escalations: return s.escalations.rows.isEmpty ? nil : "\(s.escalations.cursor.selected + 1)/\(s.escalations.rows.count)"
        case .audit: return s.audit.rows.isEmpty ? nil : "\(s.audit.cursor.selected + 1)/\(s.audit.rows.count)"
        default: return nil
        }
    }

    static func bottomLine(_ g: inout CellGrid, _ s: WorkbenchState, _ t: Theme) {
        let row = s.rows - 1
        switch s.mode {
        case .commandLine(let f): input(&g, row: row, prefix: ":", f, t)
        case .filter(let f): input(&g, row: row, prefix: "/", f, t)
        default:
            guard let f = s.flash else { return }
            let style = f.isError ? t[.flashError] : t[.flash]
            if f.isError { g.fill(row: row, style: style) }
            g.put(" " + f.text, row: row, col: 0, style: style)
        }
    }

    static func input(_ g: inout CellGrid, row: Int, prefix: String, _ f: TextField, _ t: Theme) {
        g.fill(row: row, style: t[.prompt])
        var col = g.put(prefix, row: row, col: 0, style: t[.prompt])
        let before = String(f.text.prefix(f.cursor)), after = String(f.text.dropFirst(f.cursor))
        col = g.put(before, row: row, col: col, style: t[.base])
        var cursorStyle = t[.base]; cursorStyle.reverse = true
        let under = after.first.map(String.init) ?? " "
        col = g.put(under, row: row, col: col, style: cursorStyle)
        g.put(String(after.dropFirst()), row: row, col: col, style: t[.base])
    }

    static func merge(_ s: CellStyle, bold: Bool) -> CellStyle { var m = s; m.bold = m.bold || bold; return m }

    /// Paints the selection bar over a list row.
    static func select(_ g: inout CellGrid, row: Int, _ t: Theme) {
        let sel = t[.selection]
        g.restyle(row: row) { st in
            st.fg = sel.fg; st.bg = sel.bg; st.bold = sel.bold || st.bold; st.reverse = sel.reverse; st.underline = sel.underline
        }
    }

    /// A one-line message in the middle of an empty list.
    static func empty(_ g: inout CellGrid, row: Int, _ text: String, _ t: Theme) {
        g.put("  " + text, row: row, col: 0, style: t[.muted])
    }
}
