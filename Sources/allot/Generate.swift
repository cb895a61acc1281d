import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// `allot generate OUT_DIR`: writes a synthetic scenario in the snapshot layout, for scale tests.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic scenario (the snapshot CSV layout) for scale tests.",
        discussion: """
        The scenario is deterministic: the same options and seed give byte-identical files. Its mix follows real \
        distribution data: customers of every tier (a few on credit hold), regional warehouses with ground and \
        expedite lanes, regions without a warehouse, transfers, popular skus and a long tail, purchase orders and \
        inbound transfers, skus whose demand exceeds supply, substitutes, commitments, tier quotas and a few held \
        orders. With --history-weeks (default 8) it also writes OUT_DIR/history: past lines with their decisions, \
        shipments and slipped etas for `allot metrics` and `allot insight`. Load it with `allot import OUT_DIR`.
        """)

    @Argument(help: ArgumentHelp("The folder to write (created if missing; files in it are replaced).", valueName: "out-dir"))
    var outDir: String

    @OptionGroup var scale: ScenarioScale

    @Option(name: .customLong("history-weeks"),
            help: "Weeks of past activity to write in OUT_DIR/history (decisions, shipments, slipped etas) for the metrics and insight; 0 = none.")
    var historyWeeks: Int = 8

    func run() throws {
        let clock = ContinuousClock.now
        let snapshot = ScenarioGenerator(scale.parameters).generate()
        let files = try SnapshotWriter.write(snapshot, policyTOML: ScenarioGenerator.policyTOML, to: outDir)
        let rows = files.map(\.rows).reduce(0, +)
        print("wrote \(outDir): \(snapshot.orders.count) orders, \(snapshot.lines.count) order lines, \(snapshot.items.count) skus, "
              + "\(snapshot.warehouses.count) warehouses, \(rows) rows in \(files.count) files (\(BenchFormat.seconds(since: clock)))")
        if historyWeeks > 0 {
            let policy = try Policy(toml: ScenarioGenerator.policyTOML)
            let history = HistoryGenerator.generate(snapshot: snapshot, policy: policy, asOf: scale.parameters.today, weeks: historyWeeks, seed: scale.seed)
            try FileManager.default.createDirectory(atPath: outDir + "/history", withIntermediateDirectories: true)
            for (name, text) in history.files { try text.write(toFile: outDir + "/history/" + name, atomically: true, encoding: .utf8) }
            print("wrote \(outDir)/history: \(history.lines.count) past lines, \(history.shipments.count) shipments, \(history.etas.count) receipt etas")
        }
    }
}

/// The size and seed of a synthetic scenario, shared by `allot generate` and `allot bench import`.
struct ScenarioScale: ParsableArguments {
    @Option(help: "Order lines to generate (grouped into orders of 1 to 7 lines).")
    var orders: Int = 10_000

    @Option(help: "Distinct skus in the catalogue.")
    var skus: Int = 2_000

    @Option(help: "Warehouses (each in its own region; two more regions have none).")
    var warehouses: Int = 5

    @Option(help: "Random seed: the same seed gives the same scenario.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("The day the scenario is seen on (YYYY-MM-DD).", valueName: "date"))
    var today: String = "2026-11-29"

    func validate() throws {
        guard orders >= 0 else { throw ValidationError("--orders must be >= 0") }
        guard skus >= 1 else { throw ValidationError("--skus must be >= 1") }
        guard (1...99).contains(warehouses) else { throw ValidationError("--warehouses must be between 1 and 99") }
        guard Day(today) != nil else { throw ValidationError("--today '\(today)' is not a date YYYY-MM-DD") }
    }

    var parameters: ScenarioGenerator.Parameters {
        .init(orderLines: orders, skus: skus, warehouses: warehouses, seed: seed, today: Day(today)!)
    }
}

/// Formatting of benchmark figures.
enum BenchFormat {
    static func elapsed(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
    static func seconds(since start: ContinuousClock.Instant) -> String { String(format: "%.2f s", elapsed(since: start)) }
    static func grouped(_ v: Int) -> String {
        let s = String(v)
        var out = ""
        for (i, c) in s.reversed().enumerated() { if i > 0 && i % 3 == 0 { out.append(",") }; out.append(c) }
        return String(out.reversed())
    }
}
