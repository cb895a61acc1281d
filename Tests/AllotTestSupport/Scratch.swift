import Foundation

/// Where tests put their temporary mirrors, folders and files: all under one folder per test process
/// (`allot-tests-PID` in the temporary directory), removed when the process exits. A run that never exited (killed,
/// crashed) leaves its folder behind; the next run removes the folders of processes that no longer exist, so a
/// machine running the suite all day does not fill its temporary directory with thousands of mirrors.
public enum Scratch {
    /// A new path, not yet created, in this process's folder: `prefix` and a unique suffix.
    public static func path(_ prefix: String) -> String { url(prefix).path }

    /// `path(prefix)` as a file URL.
    public static func url(_ prefix: String) -> URL { root.appendingPathComponent("\(prefix)-\(UUID().uuidString)") }

    /// This process's folder: made on first use, with the sweep of dead runs' folders and the removal at exit.
    public static let root: URL = {
        let tmp = FileManager.default.temporaryDirectory
        sweep(tmp)
        let dir = tmp.appendingPathComponent("\(folderPrefix)\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: Scratch.root) }
        return dir
    }()

    public static let folderPrefix = "allot-tests-"

    /// Removes the test processes' folders in `tmp` whose process has ended (no process has its number any more).
    public static func sweep(_ tmp: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? []
        for name in names where name.hasPrefix(folderPrefix) {
            guard let pid = Int32(name.dropFirst(folderPrefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(at: tmp.appendingPathComponent(name)) }
        }
    }
}
