import Foundation
import GRDB
import GRDBSQLite

/// Copies the mirror's write-ahead log back into the database file on a connection and thread of its own.
///
/// SQLite checkpoints on the writer, inside the commit that takes the log past 1,000 pages: an event file's import or
/// a one-sku re-plan then waits for pages of earlier writes to be copied and synced (a probe's store went from 12 to
/// 36 ms when it fell on one). Here the writer's commit only asks for a checkpoint, and a passive checkpoint runs
/// beside the next write. Should the log still reach `ceiling` pages, the writer checkpoints itself, as SQLite would.
final class WALCheckpointer: @unchecked Sendable {
    /// Log size, in pages, at which a checkpoint is asked for (SQLite's own automatic checkpoint size).
    static let threshold: Int32 = 1000
    /// Log size at which the writer checkpoints in its commit after all, so the log stays bounded (about 400 MB).
    static let ceiling: Int32 = 100_000

    /// What the checkpoints did, for tests and diagnostics.
    struct Stats {
        var runs = 0
        var failures = 0
        /// Frames in the log and frames copied back, at the last checkpoint.
        var logFrames = 0
        var checkpointedFrames = 0
    }

    private let connection: DatabaseQueue
    /// Where the checkpoints run, one at a time (tests suspend it to hold them back).
    let queue = DispatchQueue(label: "allot.mirror.checkpoint", qos: .utility)
    private let scheduled = Locked(false)
    let stats = Locked(Stats())

    init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.label = "allot.mirror.checkpoint"
        connection = try DatabaseQueue(path: path, configuration: config)
    }

    /// Takes over the checkpoints of the writer connection `db` (replacing SQLite's automatic checkpoint).
    func install(on db: Database) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_wal_hook(db.sqliteConnection, { context, connection, name, pages in
            if pages >= WALCheckpointer.ceiling {
                sqlite3_wal_checkpoint_v2(connection, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            } else if pages >= WALCheckpointer.threshold, let context {
                Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().request()
            }
            return SQLITE_OK
        }, context)
    }

    /// Gives the writer connection back to nothing (before this object goes away).
    func uninstall(from db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, nil, nil)
    }

    /// Asks for a checkpoint; requests made while one waits to run are served by it.
    func request() {
        var schedule = false
        scheduled.update { if !$0 { $0 = true; schedule = true } }
        guard schedule else { return }
        queue.async { [self] in
            scheduled.update { $0 = false }
            do {
                let result = try connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
                stats.update { $0.runs += 1; $0.logFrames = result.walFrameCount; $0.checkpointedFrames = result.checkpointedFrameCount }
            } catch {
                // A checkpoint that cannot run now (a busy file) is simply asked for again by the next commit.
                stats.update { $0.failures += 1 }
            }
        }
    }

    /// Returns once every checkpoint asked for so far has run.
    func waitUntilIdle() {
        queue.sync {}
    }
}
