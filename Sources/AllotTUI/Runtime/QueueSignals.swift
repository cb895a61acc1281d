import Foundation
import AllotCore
import AllotStore

/// The override model for the queue: trained in the background from the line history and reused until that history
/// changes, so drawing a page of rows costs a few lookups a row and never waits for training, whatever the size of
/// the mirror.
public final class QueueSignals: @unchecked Sendable {
    private let reads: InsightReads
    private let lock = NSLock()
    /// The newest model (nil: too little history) and the line-history mark it was trained at (nil: never trained).
    private var signal: OverrideSignal?
    private var mark: Int64?

    public init(mirror: Mirror) { reads = InsightReads(mirror: mirror) }

    /// `rows` with their override likelihood filled in by the newest model, or unchanged while there is none (not
    /// trained yet, or too little history to say). Never touches the store.
    public func annotate(_ rows: [QueueRow]) -> [QueueRow] {
        lock.lock()
        let signal = self.signal
        lock.unlock()
        guard let signal, !rows.isEmpty else { return rows }
        return rows.map { r in
            var r = r
            r.overrideLikelihood = signal.likelihood(of: r)
            return r
        }
    }

    /// Retrains when the line history changed since the last training (one tiny query when it did not). True when
    /// the rows shown may now read differently.
    @discardableResult
    public func refresh() throws -> Bool {
        let current = try reads.lineHistoryMark()
        lock.lock()
        let trainedAt = mark, had = signal != nil
        lock.unlock()
        guard trainedAt != current else { return false }
        let fresh = try reads.overrideSignal()
        lock.lock()
        signal = fresh; mark = current
        lock.unlock()
        return had || fresh != nil
    }
}
