import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// `allot bench splits`: writes a sample of groups' split-penalty problems, with the engine's sourcing before and after
/// merging, for an exact solver to measure how far the engine is from the optimum (`tools/split_gap.py`).
struct BenchSplits: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "splits",
        abstract: "Write sampled groups' split-penalty problems and the engine's answers, for an exact outside check.",
        discussion: """
        Solves every N-th group of the scenario (that of `allot bench plan`, or a mirror's) as a plan does, and writes \
        one JSON object per group to the output file: the buckets' capacities, the lines' cost classes and units, each \
        class's unit objective per bucket, the split penalty, and the lines' pieces before and after the engine works \
        on the split penalty. `python3 tools/split_gap.py FILE` (pip install highspy) then solves each group exactly \
        and prints the engine's distance from the optimum.
        """)

    @Option(help: "Order lines to generate.") var lines = 1_000_000
    @Option(help: "Skus to generate.") var skus = 20_000
    @Option(help: "Warehouses to generate.") var warehouses = 20
    @Option(help: "Random seed of the scenario.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Use this mirror's snapshot and stored policy instead of a generated scenario.", valueName: "path"))
    var mirror: String?
    @Option(name: .customLong("as-of"), help: ArgumentHelp("With --mirror: the plan date.", valueName: "date"))
    var asOf = "2026-11-29"
    @Option(help: ArgumentHelp("Take every n-th group (the first, then each n-th after it).", valueName: "n"))
    var every = 50
    @Option(help: ArgumentHelp("The JSON Lines file to write.", valueName: "path")) var out: String
    @OptionGroup var splitSearch: SplitSearchOption

    func validate() throws {
        guard every >= 1 else { throw ValidationError("--every: at least 1 (got \(every))") }
    }

    func run() throws {
        let index: PlanningIndex, day: Day
        var policy: Policy
        if let mirror {
            guard FileManager.default.fileExists(atPath: mirror) else { throw ValidationError("--mirror: no file at \(mirror)") }
            day = try PlanInputs.day(asOf)
            let m = try StoreOptions.open(mirror)
            policy = try m.storedPolicy()
            index = PlanningIndex(try m.loadSnapshot())
        } else {
            let params = ScenarioGenerator.Parameters(orderLines: lines, skus: skus, warehouses: warehouses, seed: seed)
            index = PlanningIndex(ScenarioGenerator(params).generate())
            policy = try Policy(toml: ScenarioGenerator.policyTOML, file: "synthetic policy")
            day = params.today
        }
        splitSearch.apply(to: &policy)
        let instances = Engine.splitInstances(index: index, policy: policy, asOf: day, every: every)
        var text = ""
        for instance in instances { text += Self.json(instance); text += "\n" }
        do { try text.write(toFile: out, atomically: true, encoding: .utf8) } catch {
            throw ValidationError("--out: cannot write \(out): \(error.localizedDescription)")
        }
        let lineCount = instances.reduce(0) { $0 + $1.lines.count }
        let before = instances.reduce(0.0) { $0 + $1.value($1.cheapest) }, after = instances.reduce(0.0) { $0 + $1.value($1.merged) }
        let splitBefore = instances.reduce(0) { $0 + $1.splitLines($1.cheapest) }
        let splitAfter = instances.reduce(0) { $0 + $1.splitLines($1.merged) }
        print("bench splits: \(instances.count) of \(index.groups.count) groups (every \(every)), \(lineCount) lines sourced")
        print(String(format: "  cheapest sourcing: objective %.2f, %d split lines", before, splitBefore))
        print(String(format: "  after merging:     objective %.2f, %d split lines", after, splitAfter))
        print("  written to \(out); check with: python3 tools/split_gap.py \(out)")
    }

    /// One instance as a JSON object on one line (objectives at full precision: the check solves with them).
    static func json(_ s: SplitInstance) -> String {
        func pieces(_ p: [[SplitInstance.Piece]]) -> String {
            "[" + p.map { "[" + $0.map { "[\($0.bucket),\($0.units)]" }.joined(separator: ",") + "]" }.joined(separator: ",") + "]"
        }
        var skus = "["
        for (k, sku) in s.skus.enumerated() { if k > 0 { skus += "," }; PlanJSON.string(sku, into: &skus) }
        skus += "]"
        let objective = "{" + s.objective.keys.sorted().map { c in
            "\"\(c)\":[" + s.objective[c]!.map { $0.map { "\($0)" } ?? "null" }.joined(separator: ",") + "]"
        }.joined(separator: ",") + "}"
        return "{\"skus\":\(skus),\"penalty\":\(s.penalty),\"substitution_penalty\":\(SplitInstance.substitutionPenalty),\"capacity\":[\(s.capacity.map(String.init).joined(separator: ","))],"
            + "\"lines\":[\(s.lines.map { "[\($0.cls),\($0.fill)]" }.joined(separator: ","))],\"objective\":\(objective),"
            + "\"cheapest\":\(pieces(s.cheapest)),\"merged\":\(pieces(s.merged))}"
    }
}
