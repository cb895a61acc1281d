import Foundation
import AllotCore

extension Mirror {
    /// Loads the snapshot folder at `directory` when the mirror is new and empty, so that a first start opens a
    /// populated workbench; returns nil (and changes nothing) when the mirror already holds data.
    @discardableResult
    public func loadSampleIfEmpty(directory: String) throws -> ImportSummary? {
        guard try isEmpty() else { return nil }
        let summary = try SnapshotImporter(mirror: self).importSnapshot(directory: directory)
        // The scenario's past (decisions, shipments, eta changes) feeds the metrics and the insight models.
        if FileManager.default.fileExists(atPath: directory + "/history") { _ = try HistoryLoader(mirror: self).load(directory: directory) }
        return summary
    }
}
