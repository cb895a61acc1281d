import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// `allot bench import`: generates a synthetic scenario, imports it into a new mirror, prints rows per second.
struct BenchImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Generate a synthetic scenario, import it into a new mirror, and print rows per second.",
        discussion: """
        Everything happens in a temporary folder (removed afterwards unless --keep): the scenario is generated \
        (not timed), then imported as `allot import` would, into a new mirror file. Prints each file's rows, time \
        and rows per second, and the overall figure (all rows of all files over the whole import's wall time, reading, checks \
        and writing included; files are read side by side, so their read times overlap). Build with `swift build -c release` for meaningful figures.
        """)

    @OptionGroup var scale: ScenarioScale

    @Flag(help: "Keep the generated folder and the mirror, and print where they are.")
    var keep = false

    @Flag(help: "Also import the same folder a second time (nothing changes) and print that figure.")
    var reimport = false

    func run() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("allot-bench-\(UUID().uuidString)").path
        defer { if !keep { try? FileManager.default.removeItem(atPath: dir) } }
        let scenario = dir + "/scenario"

        var clock = ContinuousClock.now
        let snapshot = ScenarioGenerator(scale.parameters).generate()
        try SnapshotWriter.write(snapshot, policyTOML: ScenarioGenerator.policyTOML, to: scenario)
        print("generated \(BenchFormat.grouped(snapshot.lines.count)) order lines in \(BenchFormat.grouped(snapshot.orders.count)) orders (\(BenchFormat.seconds(since: clock)))")

        let mirror = try Mirror(path: dir + "/mirror.sqlite")
        clock = ContinuousClock.now
        let cpu = Self.cpuSeconds()
        let summary = try SnapshotImporter(mirror: mirror).importSnapshot(directory: scenario)
        let total = BenchFormat.elapsed(since: clock)
        report(summary, total: total, title: "import into a new mirror")
        let used = Self.cpuSeconds() - cpu
        // On a shared machine the wall time says as much about the neighbours as about Allot.
        print(String(format: "  cpu %.2f s (user + system, all threads) over %.2f s wall: %.0f%% of one core", used, total, 100 * used / max(total, 1e-9)))

        if reimport {
            clock = ContinuousClock.now
            let again = try SnapshotImporter(mirror: mirror).importSnapshot(directory: scenario)
            report(again, total: BenchFormat.elapsed(since: clock), title: "re-import of the same folder (\(again))")
        }
        if keep { print("kept: \(scenario) and \(dir)/mirror.sqlite") }
    }

    /// CPU time this process has used so far, user and system, all threads.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }

    private func report(_ summary: ImportSummary, total: Double, title: String) {
        print(title)
        print("  " + "file".padding(toLength: 18, withPad: " ", startingAt: 0) + "rows".leftPad(12) + "read s".leftPad(9)
              + "write s".leftPad(9) + "rows/s".leftPad(12))
        for f in summary.files.sorted(by: { $0.rows > $1.rows }) {
            print("  " + f.file.padding(toLength: 18, withPad: " ", startingAt: 0) + BenchFormat.grouped(f.rows).leftPad(12)
                  + String(format: "%.3f", f.readSeconds).leftPad(9) + String(format: "%.3f", f.writeSeconds).leftPad(9)
                  + BenchFormat.grouped(Int(Double(f.rows) / max(f.seconds, 1e-9))).leftPad(12))
        }
        let rows = summary.files.map(\.rows).reduce(0, +)
        print("  " + "overall".padding(toLength: 18, withPad: " ", startingAt: 0) + BenchFormat.grouped(rows).leftPad(12)
              + "".leftPad(9) + String(format: "%.3f", total).leftPad(9) + BenchFormat.grouped(Int(Double(rows) / max(total, 1e-9))).leftPad(12))
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
