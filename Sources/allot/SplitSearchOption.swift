import ArgumentParser
import AllotCore

/// `--split-search-effort N` of the planning benchmarks: plan with that `cost.split_search_effort` instead of the
/// policy's own.
struct SplitSearchOption: ParsableArguments {
    @Option(name: .customLong("split-search-effort"),
            help: ArgumentHelp("Plan with this `cost.split_search_effort` instead of the policy's own: kicks per product "
                               + "group in the further search against the split penalty (0 = off).", valueName: "n"))
    var splitSearchEffort: Int?

    func validate() throws {
        if let e = splitSearchEffort, e < 0 { throw ValidationError("--split-search-effort: at least 0 (got \(e))") }
    }

    func apply(to policy: inout Policy) {
        if let e = splitSearchEffort { policy.cost.splitSearchEffort = e }
    }
}
