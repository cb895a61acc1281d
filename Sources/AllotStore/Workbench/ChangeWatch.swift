import GRDB

/// Notices commits made to the mirror by other connections (another terminal, an import) without reading any table.
///
/// SQLite's `PRAGMA data_version` changes on a connection whenever another connection commits; it is only
/// comparable on one connection, so the watch keeps its own read-only connection to the file.
public final class ChangeWatch: Sendable {
    private let connection: DatabaseQueue?
    private let fallback: any DatabaseWriter

    public init(mirror: Mirror) throws {
        fallback = mirror.db
        if let path = mirror.path {
            var config = Configuration()
            config.readonly = true
            config.busyMode = .timeout(0.05)
            config.label = "allot.change-watch"
            connection = try DatabaseQueue(path: path, configuration: config)
        } else {
            connection = nil
        }
    }

    /// The current data version: when it differs from the last one seen, someone else changed the mirror.
    public func version() throws -> Int {
        if let connection {
            return try connection.inDatabase { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
        }
        return try fallback.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }
}
