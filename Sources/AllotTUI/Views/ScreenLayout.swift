import AllotCore
import AllotStore

/// Where each part of a screen goes, shared by the views (drawing) and the reducer (scrolling, mouse clicks).
public enum ScreenLayout {
    /// The first screen row of the current screen's list.
    public static func listTop(_ s: WorkbenchState) -> Int {
        switch s.screen {
        case .queue, .held, .escalations, .audit: return 3
        case .detail: return 7
        case .supply:
            guard let p = s.supply?.picture else { return 3 }
            return 1 + supplyTablesHeight(p, today: s.now.day) + 1
        case .panel:
            return 2 + (s.panel?.summary.count ?? 0) + 1
        }
    }

    /// Rows of the current screen's list (at least one).
    public static func bodyHeight(_ s: WorkbenchState) -> Int { max(1, s.rows - 2 - listTop(s)) }

    /// Rows the supply screen's positions and timeline take above its list of consumers.
    /// (The title row, positions with their header, a blank row, the timeline with its header, a blank row.)
    static func supplyTablesHeight(_ p: SupplyPicture, today: Day) -> Int {
        1 + (1 + p.positions.count) + 1 + (1 + timelineRows(p, today: today)) + 1
    }

    static let maxTimelineRows = 6
    static func timelineRows(_ p: SupplyPicture, today: Day) -> Int { min(maxTimelineRows, p.timeline(from: today).count) }
}
