import Testing
import Foundation
import AllotTestSupport

/// Runs the real `allot` binary in a real terminal (tmux), the way planners and supervisors use it.
///
/// It needs the built binary and tmux; when either is missing the test fails saying so (it never skips silently).
@Suite("End to end in tmux", .serialized)
struct EndToEndTests {
    @Test("a planner accepts, overrides and escalates with rationales; a supervisor approves; the audit has all four")
    func planAcceptOverrideEscalateApprove() throws {
        let allot = try #require(Terminal.allotBinary(), "the allot binary is not built next to the tests (swift build first)")
        try #require(Subprocess.which("tmux") != nil, "tmux is not installed; the end-to-end test needs it")
        let dir = Scratch.path("allot-e2e")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/mirror.sqlite"
        let env = ["XDG_CONFIG_HOME": dir + "/config", "NO_COLOR": "1", "TERM": "xterm-256color"]

        let imported = try Terminal.run(allot, ["import", Terminal.sampleScenario, "--db", db], env: env)
        try #require(imported.status == 0, "import failed: \(imported.output)")
        let planned = try Terminal.run(allot, ["plan", "--as-of", "2026-11-29", "--db", db], env: env)
        try #require(planned.status == 0, "plan failed: \(planned.output)")

        // The planner: accept the first line, override the second, escalate the third.
        var planner = try Terminal(command: [allot, "--db", db, "--as", "planner1"], env: env, rows: 40, cols: 120)
        defer { planner.close() }
        try planner.waitFor("Exception queue")
        try planner.waitFor("lines")
        try planner.press("a")
        try planner.waitFor("accepted (AS_RECOMMENDED)")

        try planner.press("o")
        try planner.waitFor("Override ")
        try planner.press("Left")          // one unit less from the first option: a changed, feasible allocation
        try planner.waitFor("✓ feasible")
        try planner.press("Enter")
        try planner.waitFor("why?")
        try planner.press("Down")          // CHEAPER_FREIGHT
        try planner.type("consolidate with the next truck")
        try planner.press("Enter")
        try planner.waitFor("(CHEAPER_FREIGHT)")
        try planner.press("Escape")        // back to the queue

        try planner.waitFor("Exception queue")
        try planner.press("e")
        try planner.waitFor("why?")
        try planner.press("Down", "Down")  // CUSTOMER_ESCALATION
        try planner.type("customer called twice")
        try planner.press("Enter")
        try planner.waitFor("escalated (CUSTOMER_ESCALATION)")
        try planner.press("q")
        planner.close()

        // The supervisor opens on escalations and approves the one waiting.
        var supervisor = try Terminal(command: [allot, "--db", db, "--as", "super1"], env: env, rows: 40, cols: 120)
        defer { supervisor.close() }
        try supervisor.waitFor("Escalations")
        try supervisor.waitFor("customer called twice")
        try supervisor.press("y")
        try supervisor.waitFor("why?")
        try supervisor.type("fine for this customer")
        try supervisor.press("Enter")
        try supervisor.waitFor("approved (APPROVED)")
        try supervisor.press("q")
        supervisor.close()

        let audit = try Terminal.run(allot, ["audit", "--json", "--db", db], env: env)
        try #require(audit.status == 0, "audit failed: \(audit.output)")
        let entries = Terminal.jsonObjects(audit.output)
        func find(_ action: String, _ user: String) -> [String: Any]? {
            entries.first { ($0["action"] as? String) == action && ($0["user"] as? String) == user }
        }
        let accept = try #require(find("accept", "planner1"), "no accept by planner1 in \(audit.output)")
        #expect(accept["role"] as? String == "planner")
        #expect(accept["reason_code"] as? String == "AS_RECOMMENDED")
        let override = try #require(find("override", "planner1"), "no override by planner1 in \(audit.output)")
        #expect(override["reason_code"] as? String == "CHEAPER_FREIGHT")
        #expect(override["note"] as? String == "consolidate with the next truck")
        let escalate = try #require(find("escalate", "planner1"), "no escalate by planner1 in \(audit.output)")
        #expect(escalate["reason_code"] as? String == "CUSTOMER_ESCALATION")
        #expect(escalate["note"] as? String == "customer called twice")
        let approve = try #require(find("approve", "super1"), "no approve by super1 in \(audit.output)")
        #expect(approve["role"] as? String == "supervisor")
        #expect(approve["reason_code"] as? String == "APPROVED")
        #expect(approve["note"] as? String == "fine for this customer")
    }
}

/// A tmux session running one command, driven by keys and read as text.
///
/// Each terminal has a tmux server of its own (a socket of its own, `-S`), so the test neither needs nor disturbs
/// anyone's tmux; closing it ends the session, the server and the socket.
struct Terminal {
    let session: String
    private var closed = false

    init(command: [String], env: [String: String], rows: Int, cols: Int) throws {
        session = "allot-e2e-\(UUID().uuidString.prefix(8))"
        let exports = env.map { "\($0.key)=\(Terminal.quote($0.value))" }.joined(separator: " ")
        let line = "env \(exports) " + command.map(Terminal.quote).joined(separator: " ") + "; sleep 30"
        let r = try tmux(["new-session", "-d", "-s", session, "-x", String(cols), "-y", String(rows), line])
        guard r.status == 0 else { throw TerminalError("tmux new-session failed: \(r.output)") }
    }

    mutating func close() {
        guard !closed else { return }
        closed = true
        _ = try? tmux(["kill-session", "-t", session])
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(atPath: socket)
    }

    private var socket: String { NSTemporaryDirectory() + session + ".sock" }

    private func tmux(_ args: [String]) throws -> (status: Int32, output: String) {
        try Terminal.run("tmux", ["-S", socket] + args, env: [:])
    }

    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", session]).output }

    /// Waits until the screen shows `text` (up to `timeout` seconds); fails with the screen as it is.
    func waitFor(_ text: String, timeout: Double = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TerminalError("waited \(timeout) s for “\(text)”; the screen shows:\n\(last)")
    }

    func press(_ keys: String...) throws {
        for k in keys {
            _ = try tmux(["send-keys", "-t", session, k])
            Thread.sleep(forTimeInterval: 0.15)
        }
    }

    func type(_ text: String) throws {
        _ = try tmux(["send-keys", "-t", session, "-l", text])
        Thread.sleep(forTimeInterval: 0.15)
    }

    // MARK: helpers

    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    static var sampleScenario: String { repoRoot.appendingPathComponent("SampleData/promo-three-warehouses").path }

    /// The `allot` built with these tests: next to the test bundle, else `.build/debug/allot`, else `$ALLOT_BIN`.
    static func allotBinary() -> String? {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["ALLOT_BIN"] { candidates.append(env) }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(dir.appendingPathComponent("allot").path)
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(repoRoot.appendingPathComponent(".build/debug/allot").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a program to its end (at most a minute) with standard output and error together.
    static func run(_ tool: String, _ args: [String], env: [String: String]) throws -> (status: Int32, output: String) {
        let r = try Subprocess.run(tool, args, env: env, timeout: 60)
        return (r.status, r.output)
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Audit output as objects: a JSON array, or one object per line.
    static func jsonObjects(_ text: String) -> [[String: Any]] {
        if let data = text.data(using: .utf8), let array = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] { return array }
        if let data = text.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let entries = object["entries"] as? [[String: Any]] { return entries }
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }
}

struct TerminalError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
