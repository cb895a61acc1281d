import Testing
import Foundation
@testable import AllotStore
import AllotCore
import AllotTestSupport

/// `allot import` and `allot generate` as a script would run them: the real binary, its output and exit status.
@Suite("allot import and generate as processes", .serialized)
struct ImportCommandTests {
    static var binary: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/allot").path
    }

    static func run(_ args: [String], stdin: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let r = try Subprocess.run(binary, args, stdin: stdin)
        return (r.status, r.out, r.err)
    }

    static func tempDB() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("allot-cli-\(UUID().uuidString)/m.sqlite").path
    }

    @Test("importing a folder prints the summary line; importing it again applies nothing")
    func folderTwice() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the allot binary first (swift build)")
        let db = Self.tempDB(), dir = try Fixture.folder().path
        let first = try Self.run(["import", dir, "--db", db])
        #expect(first.status == 0)
        #expect(first.out.split(separator: "\n").last == "applied 31, duplicate 0, stale 0, rejected 0")
        let again = try Self.run(["import", dir, "--db", db])
        #expect(again.status == 0)
        #expect(again.out.split(separator: "\n").last == "applied 0, duplicate 30, stale 0, rejected 0")
    }

    @Test("a bad folder names the problem on standard error and exits non-zero")
    func badFolder() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the allot binary first (swift build)")
        let db = Self.tempDB()
        let dir = try Fixture.folder(Fixture.basic, ["order_lines.csv": "order_id,line_no,sku,qty\nSO-1,1,MX-200,-3"]).path
        let r = try Self.run(["import", dir, "--db", db])
        #expect(r.status != 0)
        #expect(r.err.contains("order_lines.csv:2: field 'qty': value '-3': is not a whole number >= 0"))
        #expect(r.out.split(separator: "\n").last == "applied 0, duplicate 0, stale 0, rejected 1")
        #expect(try Mirror(path: db).isEmpty())
    }

    @Test("events from standard input: the valid ones apply, the bad one is rejected and the exit status says so")
    func eventsFromStdin() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the allot binary first (swift build)")
        let db = Self.tempDB()
        _ = try Self.run(["import", try Fixture.folder().path, "--db", db])
        let events = Events.line("e1", 1, "inventory.adjusted", #"{"warehouse_id":"DAL","sku":"MX-200","delta":3}"#) + "\n{oops\n"
        let r = try Self.run(["import", "-", "--db", db], stdin: events)
        #expect(r.status != 0)
        #expect(r.out.split(separator: "\n").last == "applied 1, duplicate 0, stale 0, rejected 1")
        #expect(r.err.contains("<stdin>:2: value '{oops': is not valid JSON"))
    }

    @Test("allot generate writes the same files for the same seed")
    func generateIsDeterministic() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the allot binary first (swift build)")
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("allot-gen-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let args = ["--orders", "3000", "--skus", "150", "--warehouses", "3", "--seed", "11"]
        #expect(try Self.run(["generate", base.appendingPathComponent("a").path] + args).status == 0)
        #expect(try Self.run(["generate", base.appendingPathComponent("b").path] + args).status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: base.appendingPathComponent("a").path).sorted()
        #expect(files.contains("order_lines.csv") && files.contains("policy.toml"))
        for f in files {
            let a = FileManager.default.contents(atPath: base.appendingPathComponent("a/\(f)").path)
            let b = FileManager.default.contents(atPath: base.appendingPathComponent("b/\(f)").path)
            #expect(a == b, "\(f)")
        }
    }
}
