import Foundation
import AllotCore
import AllotStore

/// The override model for the queue: trained once from the line history and reused until that history changes, so
/// describing a page of rows costs one tiny query and a few lookups a row, whatever the size of the mirror.
public final class QueueSignals: @unchecked Sendable {
    private let reads: InsightReads
    private let lock = NSLock()
    private var cached: (mark: Int64, signal: OverrideSignal?)?

    public init(mirror: Mirror) { reads = InsightReads(mirror: mirror) }

    /// `rows` with their override likelihood filled in, or unchanged when the model has too little history to say.
    public func annotate(_ rows: [QueueRow]) throws -> [QueueRow] {
        guard !rows.isEmpty, let signal = try signal() else { return rows }
        return rows.map { r in
            var r = r
            r.overrideLikelihood = signal.likelihood(of: r)
            return r
        }
    }

    private func signal() throws -> OverrideSignal? {
        lock.lock(); defer { lock.unlock() }
        let mark = try reads.lineHistoryMark()
        if let c = cached, c.mark == mark { return c.signal }
        let signal = try reads.overrideSignal()
        cached = (mark, signal)
        return signal
    }
}
