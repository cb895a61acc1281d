import ArgumentParser

/// `allot bench …`: speed measurements a user can run; each prints its figures.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure Allot's speed (import, plan, workbench); each benchmark prints its figures.",
        subcommands: [BenchTUI.self, BenchImport.self, BenchPlan.self, BenchIngest.self, BenchDecide.self, BenchSplits.self])
}
