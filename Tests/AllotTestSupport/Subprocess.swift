import Foundation

/// Runs other programs from tests without ever waiting forever.
///
/// Output goes to temporary files, never pipes: a program that leaves a daemon behind (tmux starting its server) would
/// keep a pipe's write end open and a read-to-end would never return. Every wait has a deadline; a program still
/// running at its deadline is killed and the test fails saying which program and what it had printed.
public enum Subprocess {
    public struct Result: Sendable {
        public var status: Int32
        public var out: String
        public var err: String
        /// Standard output then standard error, for messages.
        public var output: String { err.isEmpty ? out : out + err }
    }

    public struct Timeout: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `executable` (a path, or a name looked up on `PATH`) to its end, at most `timeout` seconds.
    ///
    /// Spawned directly and reaped with `waitpid`, not through Foundation's `Process`: `Process` learns that a child
    /// ended when a socket the child inherited closes, and a daemon the child leaves behind (tmux's server) keeps that
    /// socket open for ever.
    public static func run(_ executable: String, _ args: [String], env: [String: String] = [:], stdin: String? = nil,
                           timeout: TimeInterval = 120) throws -> Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("allot-subprocess-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outPath = dir.appendingPathComponent("out").path, errPath = dir.appendingPathComponent("err").path
        var inPath = "/dev/null"
        if let stdin {
            inPath = dir.appendingPathComponent("in").path
            _ = FileManager.default.createFile(atPath: inPath, contents: Data(stdin.utf8))
        }
        let path = resolve(executable)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let environment = ProcessInfo.processInfo.environment.merging(env) { $1 }.map { "\($0.key)=\($0.value)" }
        let argv = ([path] + args).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw Timeout(description: "could not start \(path): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        var ended = false
        while Date() < deadline {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid || (r == -1 && errno != EINTR) { ended = true; break }
            usleep(2_000)
        }
        if !ended {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        }
        // Exited: the code in bits 8–15; killed by a signal: 128 + the signal, as a shell reports it.
        let code: Int32 = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let result = Result(status: code,
                            out: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                            err: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
        guard ended else {
            throw Timeout(description: "\(executable) \(args.joined(separator: " ")) was still running after \(timeout) s and was killed; it printed:\n\(result.output)")
        }
        return result
    }

    /// Waits for `p` to end, at most `timeout` seconds; kills it (SIGKILL) at the deadline. True if it ended by itself.
    @discardableResult
    public static func wait(_ p: Process, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(5_000) }
        guard p.isRunning else { return true }
        kill(p.processIdentifier, SIGKILL)
        while p.isRunning { usleep(5_000) }
        return false
    }

    /// The full path of a program named on `PATH`; a path is returned as it is.
    public static func resolve(_ tool: String) -> String {
        if tool.contains("/") { return tool }
        return which(tool) ?? "/usr/bin/\(tool)"
    }

    public static func which(_ tool: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
