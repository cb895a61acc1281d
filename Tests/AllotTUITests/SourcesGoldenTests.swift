import Testing
import Foundation
import GRDB
import AllotCore
import AllotStore
@testable import AllotTUI

@Suite("Golden screens: the :sources view")
struct SourcesGoldenTests {
    /// The fixture mirror with three feeding systems: the ERP fresh, the TMS silent for days, the WMS failing
    /// (a file with no usable event, dead letters waiting), and one stock position counted long ago.
    static func driver(rows: Int, cols: Int) throws -> WorkbenchDriver {
        let m = try Fixture.mirror()
        let hour = 3600.0
        func at(_ hoursAgo: Double) -> String { Timestamp(seconds: Fixture.now.seconds - hoursAgo * hour).description }
        try m.db.write { db in
            try db.execute(sql: """
                INSERT INTO source_state(source, last_seq, last_event_at, last_applied_at, received, applied, duplicate, stale, rejected, gaps,
                                         files, failed_files, last_file, last_file_at, last_error, last_error_at) VALUES
                  ('erp', 1204, ?, ?, 1204, 1190, 9, 3, 2, 1, 12, 0, 'erp-000012.jsonl', ?, NULL, NULL),
                  ('tms', 88, ?, ?, 88, 88, 0, 0, 0, 0, 4, 0, 'tms-000004.jsonl', ?, NULL, NULL),
                  ('wms', 5310, ?, ?, 5320, 5301, 4, 0, 15, 2, 31, 1, 'wms-000031.jsonl', ?,
                   'wms-000031.jsonl: no usable event (3 rejected; each rejected line is in `allot deadletters`)', ?)
                """, arguments: [at(0.5), at(0.5), at(0.5), at(100), at(100), at(100), at(0.2), at(0.2), at(0.1), at(0.1)])
            for (n, reason) in ["field 'data.sku': value 'MX-999': unknown item (not in the mirror)", "is not valid JSON"].enumerated() {
                try db.execute(sql: """
                    INSERT INTO dead_letter(source, file, line, reason, raw, received_at) VALUES ('wms', 'wms-000031.jsonl', ?, ?, ?, ?)
                    """, arguments: [n + 1, reason, "{\"id\":\"w\(n)\"}", at(0.1)])
            }
            try db.execute(sql: "UPDATE inventory SET as_of = ? WHERE rowid = (SELECT min(rowid) FROM inventory)", arguments: [at(24 * 9)])
        }
        let d = WorkbenchDriver(state: Fixture.state(rows: rows, cols: cols), theme: .builtInMonochrome,
                                backend: MemoryBackend(rows: rows, cols: cols), services: WorkbenchServices(mirror: m, decisions: nil),
                                themes: ThemeCatalog(directories: [Fixture.themesDirectory]))
        d.start()
        d.frame()
        return d
    }

    @Test("each source with its freshness, lag, gaps and dead letters, and the red marker in the status line",
          arguments: GoldenScreenTests.sizes)
    func sources(rows: Int, cols: Int) throws {
        let d = try Self.driver(rows: rows, cols: cols)
        Fixture.keys(d, [.char(":")]); Fixture.type(d, "sources"); Fixture.keys(d, [.enter])
        let screen = Fixture.screen(d)
        #expect(screen.contains("wms"))
        expectGolden("sources-\(cols)x\(rows)", d)
    }
}
