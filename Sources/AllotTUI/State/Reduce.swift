import AllotCore
import AllotStore

/// The workbench's update function: pure, so every key's effect is a testable value.
///
/// It never touches the store or the terminal; what must happen outside (a read, a decision, quitting) comes
/// back as commands the runtime performs, whose answers come back as actions.
public enum WorkbenchReducer {
    /// The next state and the commands to run, for one action.
    public static func reduce(_ state: WorkbenchState, _ action: Action) -> (WorkbenchState, [Command]) {
        var s = state
        let commands = reduce(&s, action)
        return (s, commands)
    }

    /// What the runtime runs when the workbench starts: the plan header and the home screen's data.
    public static func start(_ s: inout WorkbenchState) -> [Command] {
        [.loadPlan] + load(&s, s.screen)
    }

    @discardableResult
    public static func reduce(_ s: inout WorkbenchState, _ action: Action) -> [Command] {
        switch action {
        case .key(let key):
            return keyPressed(&s, key)
        case .resized(let rows, let cols):
            s.rows = max(1, rows); s.cols = max(1, cols)
            keepSelectionsVisible(&s)
            return prefetchQueue(&s)
        case .tick(let now):
            s.now = now
            // A source goes stale by the clock alone, with nothing changing in the mirror: re-check now and then.
            if now.seconds - s.sourcesCheckedAt >= 60 { s.sourcesCheckedAt = now.seconds; return [.loadPlan] }
            return []
        case .mirrorChanged:
            return [.loadPlan] + reloadKeepingPlace(&s)
        case .planLoaded(let header):
            s.plan = header
            return []
        case .sourcesChecked(let alert):
            s.sourcesAlert = alert
            return []
        case .queueLoaded(let request, let placement, let rows, let reachedStart):
            return queueLoaded(&s, request: request, placement: placement, rows: rows, reachedStart: reachedStart)
        case .countsLoaded(let request, let counts):
            if request >= (s.queue.countsRequest ?? 0) { s.queue.counts = counts; s.queue.countsRequest = nil }
            return []
        case .heldLoaded(let rows):
            s.held = replaceKeeping(s.held, with: rows, height: s.bodyHeight) { $0.orderID }
            return []
        case .escalationsLoaded(let rows):
            s.escalations = replaceKeeping(s.escalations, with: rows, height: s.bodyHeight) { $0.key }
            return []
        case .auditLoaded(let rows):
            s.audit = replaceKeeping(s.audit, with: rows, height: s.bodyHeight) { "\($0.at?.seconds ?? 0) \($0.target) \($0.action)" }
            return []
        case .detailLoaded(let key, let detail, let history):
            guard var d = s.detail, d.key == key else { return [] }
            d.detail = detail; d.history = history; d.missing = detail == nil
            d.cursor.keepVisible(height: s.bodyHeight, count: detailCount(d))
            s.detail = d
            return overrideIfPending(&s)
        case .optionsLoaded(let key, let options):
            guard var d = s.detail, d.key == key else { return [] }
            d.options = options; d.optionsLoaded = true
            d.cursor.keepVisible(height: s.bodyHeight, count: detailCount(d))
            s.detail = d
            return overrideIfPending(&s)
        case .supplyLoaded(let sku, let picture):
            guard var m = s.supply, m.sku == sku else { return [] }
            m.picture = picture; m.missing = picture == nil
            m.cursor.keepVisible(height: s.bodyHeight, count: picture?.consumers.count ?? 0)
            s.supply = m
            return []
        case .panelLoaded(let name, let content):
            guard s.screen == .panel(name) else { return [] }
            s.panel = content
            s.panelCursor.keepVisible(height: s.bodyHeight, count: content.rows.count)
            return []
        case .decided(let request, let outcome):
            switch outcome {
            case .recorded(let message):
                s.flash = Flash(message.isEmpty ? "\(request.target) \(request.action.pastTense) (\(request.reason))" : message)
                noteOwnDecision(&s, request)
                return [.loadPlan] + reloadKeepingPlace(&s)
            case .refused(let why):
                s.flash = Flash("\(request.action.rawValue) \(request.target) refused: \(why)", isError: true)
                return []
            }
        case .themeChanged(let name):
            s.themeName = name
            s.flash = Flash("theme \(name)")
            return []
        case .failed(let message):
            s.flash = Flash(message, isError: true)
            return []
        case .signalsUpdated:
            return s.screen == .queue && s.queue.loaded ? reloadKeepingPlace(&s) : []
        }
    }

    // MARK: - Keys

    static func keyPressed(_ s: inout WorkbenchState, _ key: Key) -> [Command] {
        switch s.mode {
        case .normal: break
        case .help:
            s.mode = .normal
            return []
        case .commandLine(var field):
            switch key {
            case .escape: s.mode = .normal; return []
            case .enter: s.mode = .normal; return runCommandLine(&s, field.text)
            default:
                if !field.edit(key) { return [] }
                s.mode = field.text.isEmpty && key == .backspace ? .normal : .commandLine(field)
                return []
            }
        case .filter(var field):
            switch key {
            case .escape: s.mode = .normal; return []
            case .enter: s.mode = .normal; return applyFilter(&s, field.text)
            default:
                _ = field.edit(key); s.mode = .filter(field); return []
            }
        case .rationale(let prompt):
            return rationaleKey(&s, prompt, key)
        case .override(let editor):
            return overrideKey(&s, editor, key)
        }

        if case .mouse(let m) = key { return mouse(&s, m) }
        s.flash = nil
        guard let intent = s.keyMap.intent(for: key) else {
            s.flash = Flash("\(key.label) does nothing here; ? lists the keys", isError: true)
            return []
        }
        return perform(&s, intent)
    }

    static func perform(_ s: inout WorkbenchState, _ intent: Intent) -> [Command] {
        let page = max(1, s.bodyHeight - 1)
        switch intent {
        case .moveUp: return move(&s, by: -1)
        case .moveDown: return move(&s, by: 1)
        case .pageUp: return move(&s, by: -page)
        case .pageDown: return move(&s, by: page)
        case .moveLeft, .moveRight:
            return []
        case .top: return jump(&s, toEnd: false)
        case .bottom: return jump(&s, toEnd: true)
        case .open: return open(&s)
        case .back:
            if s.stack.count > 1 {
                s.stack.removeLast()
                if case .detail = s.screen {} else { s.detail = s.screen == .queue ? nil : s.detail }
                return reloadKeepingPlace(&s)
            }
            if s.screen == .queue, !s.queue.query.filter.isEmpty { return applyFilter(&s, "") }
            return []
        case .nextPane:
            guard case .detail = s.screen, var d = s.detail else {
                s.flash = Flash("this view has one pane")
                return []
            }
            d.pane = DetailModel.Pane(rawValue: (d.pane.rawValue + 1) % DetailModel.Pane.allCases.count)!
            d.cursor = ListCursor()
            s.detail = d
            return []
        case .help:
            s.mode = .help
            return []
        case .command:
            s.mode = .commandLine(TextField())
            return []
        case .filter:
            switch s.screen {
            case .queue: s.mode = .filter(TextField(s.queue.query.filter.description))
            case .audit: s.mode = .filter(TextField(s.auditFilter))
            default: s.flash = Flash("no filter in this view (the queue and the audit have one)", isError: true)
            }
            return []
        case .quit:
            s.quitting = true
            return [.quit]
        case .refresh:
            s.flash = Flash("reloaded")
            return [.loadPlan] + reloadKeepingPlace(&s)
        case .sort:
            guard s.screen == .queue else { s.flash = Flash("only the queue sorts", isError: true); return [] }
            s.queue.query.sort = s.queue.query.sort.next
            s.flash = Flash("sorted by \(s.queue.query.sort.rawValue)")
            return reloadQueue(&s)
        case .supply:
            guard let sku = selectedLine(s)?.sku else { s.flash = Flash("no line selected", isError: true); return [] }
            return push(&s, .supply(sku))
        case .accept, .override, .escalate, .approve, .reject, .hold, .release, .cancelOrder, .note:
            return decide(&s, intent)
        }
    }

    // MARK: - Navigation

    static func push(_ s: inout WorkbenchState, _ screen: Screen) -> [Command] {
        if s.screen == screen { return load(&s, screen) }
        if let i = s.stack.firstIndex(of: screen) { s.stack.removeSubrange((i + 1)...) } else { s.stack.append(screen) }
        return load(&s, screen)
    }

    /// Goes to a top-level screen from the command line (it replaces the stack: breadcrumbs start again).
    static func goTo(_ s: inout WorkbenchState, _ screen: Screen) -> [Command] {
        s.stack = [screen]
        return load(&s, screen)
    }

    /// The commands that read a screen's data when it is entered.
    static func load(_ s: inout WorkbenchState, _ screen: Screen) -> [Command] {
        switch screen {
        case .queue: return s.queue.loaded ? reloadKeepingPlace(&s) : reloadQueue(&s)
        case .held: return [.loadHeld]
        case .escalations: return [.loadEscalations]
        case .audit: return [.loadAudit(filter: s.auditFilter)]
        case .detail(let key):
            if s.detail?.key != key { s.detail = DetailModel(key: key) }
            return [.loadDetail(key), .loadOptions(key)]
        case .supply(let sku):
            if s.supply?.sku != sku { s.supply = SupplyModel(sku: sku) }
            return [.loadSupply(sku)]
        case .panel(let name):
            s.panel = nil; s.panelCursor = ListCursor()
            return [.loadPanel(name)]
        }
    }

    static func reloadKeepingPlace(_ s: inout WorkbenchState) -> [Command] {
        switch s.screen {
        case .queue:
            guard let row = s.queue.selectedRow else { return reloadQueue(&s) }
            s.requestCounter += 1
            s.queue.pending = s.requestCounter
            s.queue.countsRequest = s.requestCounter
            let before = max(s.bodyHeight, s.queue.cursor.selected - s.queue.cursor.scroll + s.bodyHeight)
            return [.loadQueueAround(request: s.requestCounter, s.queue.query, row.sortKey, before: before, after: s.bodyHeight * 2,
                                     placement: .around(row.key, position: s.queue.cursor.selected)),
                    .loadCounts(request: s.requestCounter, s.queue.query.filter)]
        default:
            return load(&s, s.screen)
        }
    }

    static func open(_ s: inout WorkbenchState) -> [Command] {
        switch s.screen {
        case .queue:
            guard let row = s.queue.selectedRow else { return [] }
            return push(&s, .detail(row.key))
        case .held:
            guard let o = s.held.selectedRow else { return [] }
            return push(&s, .detail(LineKey(orderID: o.orderID, lineNo: 1)))
        case .escalations:
            guard let e = s.escalations.selectedRow else { return [] }
            return push(&s, .detail(e.key))
        case .audit:
            guard let a = s.audit.selectedRow, let key = LineKey(a.target) else { return [] }
            return push(&s, .detail(key))
        case .detail:
            guard let d = s.detail, let detail = d.detail else { return [] }
            switch d.pane {
            case .lines:
                guard detail.orderLines.indices.contains(d.cursor.selected) else { return [] }
                let key = detail.orderLines[d.cursor.selected].key
                guard key != d.key else { return [] }
                s.stack.removeLast()
                return push(&s, .detail(key))
            case .options:
                return openOverride(&s)
            case .history:
                return []
            }
        case .supply:
            guard let m = s.supply, let p = m.picture, p.consumers.indices.contains(m.cursor.selected) else { return [] }
            return push(&s, .detail(p.consumers[m.cursor.selected].key))
        case .panel:
            return []
        }
    }

    // MARK: - Command line

    /// Runs a `:` command: `queue`, `held`, `escalations`, `audit [FILTER]`, `supply SKU`, `line ORDER:LINE`,
    /// `theme NAME`, `sort KEY`, `filter …`, `help`, `q`, or a registered panel's name.
    static func runCommandLine(_ s: inout WorkbenchState, _ text: String) -> [Command] {
        let words = text.split(separator: " ").map(String.init)
        guard let head = words.first?.lowercased() else { return [] }
        let rest = words.dropFirst().joined(separator: " ")
        switch head {
        case "q", "quit", "q!", "exit":
            s.quitting = true
            return [.quit]
        case "queue": return goTo(&s, .queue)
        case "held", "holds": return goTo(&s, .held)
        case "escalations", "esc", "escalation": return goTo(&s, .escalations)
        case "audit":
            s.auditFilter = rest
            return goTo(&s, .audit)
        case "supply":
            guard !rest.isEmpty else {
                guard let sku = selectedLine(s)?.sku else { s.flash = Flash(":supply needs a sku", isError: true); return [] }
                return push(&s, .supply(sku))
            }
            return push(&s, .supply(rest))
        case "line", "detail":
            guard let key = LineKey(rest) else { s.flash = Flash(":line needs ORDER:LINE, like SO-1001:1", isError: true); return [] }
            return push(&s, .detail(key))
        case "theme":
            guard !rest.isEmpty else { s.flash = Flash(":theme needs a name (dark, light, high-contrast, monochrome)", isError: true); return [] }
            return [.setTheme(rest)]
        case "sort":
            guard let sort = QueueSort(rawValue: rest.lowercased()) else {
                s.flash = Flash(":sort takes \(QueueSort.allCases.map(\.rawValue).joined(separator: ", "))", isError: true)
                return []
            }
            s.queue.query.sort = sort
            s.flash = Flash("sorted by \(sort.rawValue)")
            return s.screen == .queue ? reloadQueue(&s) : goTo(&s, .queue)
        case "filter":
            let commands = s.screen == .queue ? [] : goTo(&s, .queue)
            return commands + applyFilter(&s, rest)
        case "help", "h", "?":
            s.mode = .help
            return []
        default:
            if PanelRegistry.panel(named: head) != nil { return goTo(&s, .panel(head)) }
            let known = ["queue", "held", "escalations", "audit", "supply SKU", "line ORDER:LINE", "theme NAME", "sort KEY", "q"]
                + PanelRegistry.all.map(\.name)
            s.flash = Flash("unknown command :\(head) (try :\(known.joined(separator: " :")))", isError: true)
            return []
        }
    }

    static func applyFilter(_ s: inout WorkbenchState, _ text: String) -> [Command] {
        if s.screen == .audit {
            s.auditFilter = text
            return [.loadAudit(filter: text)]
        }
        do {
            s.queue.query.filter = try QueueFilter(parsing: text)
        } catch {
            s.flash = Flash(error.description, isError: true)
            s.mode = .filter(TextField(text))
            return []
        }
        s.flash = Flash(s.queue.query.filter.isEmpty ? "filter cleared" : "filter: \(s.queue.query.filter)")
        return reloadQueue(&s)
    }

    static func keepSelectionsVisible(_ s: inout WorkbenchState) {
        let h = s.bodyHeight
        s.queue.cursor.keepVisible(height: h, count: s.queue.rows.count)
        s.held.cursor.keepVisible(height: h, count: s.held.rows.count)
        s.escalations.cursor.keepVisible(height: h, count: s.escalations.rows.count)
        s.audit.cursor.keepVisible(height: h, count: s.audit.rows.count)
        if var d = s.detail { d.cursor.keepVisible(height: h, count: detailCount(d)); s.detail = d }
        if var m = s.supply { m.cursor.keepVisible(height: h, count: m.picture?.consumers.count ?? 0); s.supply = m }
        s.panelCursor.keepVisible(height: h, count: s.panel?.rows.count ?? 0)
    }

    /// Replaces a list's rows, keeping the same row selected when it is still there (else the same position).
    static func replaceKeeping<Row, ID: Equatable>(_ t: TableModel<Row>, with rows: [Row], height: Int, id: (Row) -> ID) -> TableModel<Row> {
        var n = t
        let selectedID = t.selectedRow.map(id)
        n.rows = rows
        n.loaded = true
        let index = selectedID.flatMap { sid in rows.firstIndex { id($0) == sid } } ?? t.cursor.selected
        n.cursor.select(index, count: rows.count, height: height)
        return n
    }
}
