import AllotCore
import AllotStore

/// `:sources`: the integration health — each feeding system with its freshness, lag, seq gaps, rejected input
/// and failed files, and the inventory counted too long ago for the engine to trust.
public struct SourcesPanel: WorkbenchPanel {
    public init() {}
    public var name: String { "sources" }
    public var title: String { "Sources" }

    public func load(_ mirror: Mirror, now: Timestamp) throws -> PanelContent {
        let hours = try mirror.storedPolicy().exceptions.staleInventoryHours
        return Self.content(try mirror.integrationHealth(now: now, staleAfterHours: hours))
    }

    /// The panel's text for a health reading (pure, so screens can be tested without a mirror).
    public static func content(_ h: IntegrationHealth) -> PanelContent {
        var summary: [String] = []
        let bad = h.sources.filter { $0.status != .ok }
        if h.sources.isEmpty {
            summary.append("No source has sent anything yet. Point exports at a drop folder: allot watch DIR")
        } else if bad.isEmpty {
            summary.append("All \(h.sources.count) source(s) fresh (within \(hours(h.staleAfterHours)))")
        } else {
            summary.append(bad.map { "\($0.source) \($0.status.rawValue)" }.joined(separator: " · ")
                           + "  (fresh = something new within \(hours(h.staleAfterHours)))")
        }
        if h.staleInventory > 0 {
            summary.append("Inventory: \(h.staleInventory) position(s) counted more than \(hours(h.staleAfterHours)) ago"
                           + (h.oldestInventoryAsOf.map { " (oldest \($0))" } ?? "") + " — their lines are flagged STALE_DATA")
        }
        let open = h.sources.reduce(h.unattributedDeadLetters) { $0 + $1.openDeadLetters }
        if open > 0 { summary.append("\(open) open dead letter(s): allot deadletters, then allot deadletters retry") }

        let columns = [
            PanelContent.Column("SOURCE", width: 10), PanelContent.Column("STATUS", width: 8),
            PanelContent.Column("LAST EVENT", width: 20), PanelContent.Column("LAG", width: 7, alignRight: true),
            PanelContent.Column("SEQ", width: 9, alignRight: true), PanelContent.Column("GAPS", width: 5, alignRight: true),
            PanelContent.Column("MISSING", width: 7, alignRight: true), PanelContent.Column("APPLIED", width: 9, alignRight: true),
            PanelContent.Column("REJECTED", width: 8, alignRight: true), PanelContent.Column("DEAD", width: 5, alignRight: true),
            PanelContent.Column("FAILED", width: 6, alignRight: true), PanelContent.Column("LAST FILE / ERROR", width: 40),
        ]
        var rows: [[String]] = []
        var tones: [PanelContent.Tone] = []
        for s in h.sources {
            let note = s.lastError.map { "✗ " + ($0.split(separator: "\n").first.map(String.init) ?? $0) } ?? (s.lastFile ?? "")
            rows.append([s.source, s.status.rawValue, s.lastEventAt?.description ?? "—", s.lagHours.map(lag) ?? "—",
                         String(s.lastSeq), String(s.gaps), String(s.missingSeqs), String(s.applied), String(s.rejected),
                         String(s.openDeadLetters), String(s.failedFiles), note])
            switch s.status {
            case .ok: tones.append(s.gaps > 0 || s.rejected > 0 ? .warning : .good)
            case .stale: tones.append(.warning)
            case .failing: tones.append(.danger)
            }
        }
        return PanelContent(summary: summary, columns: columns, rows: rows, tones: tones)
    }

    /// The short red marker for the status line, or nil when every source is fresh and nothing failed.
    public static func alert(_ h: IntegrationHealth) -> String? {
        let failing = h.sources.filter { $0.status == .failing }.map(\.source)
        let stale = h.sources.filter { $0.status == .stale }.map(\.source)
        var parts: [String] = []
        if !failing.isEmpty { parts.append("failing " + failing.joined(separator: ",")) }
        if !stale.isEmpty { parts.append("stale " + stale.joined(separator: ",")) }
        if h.staleInventory > 0 && stale.isEmpty { parts.append("stale stock") }
        return parts.isEmpty ? nil : "● sources: " + parts.joined(separator: "; ")
    }

    static func hours(_ h: Double) -> String { h.truncatingRemainder(dividingBy: 1) == 0 ? "\(Int(h))h" : "\(h)h" }

    static func lag(_ hours: Double) -> String {
        hours < 1 ? "\(Int((hours * 60).rounded()))m" : hours < 48 ? "\(Int(hours.rounded()))h" : "\(Int((hours / 24).rounded()))d"
    }
}
