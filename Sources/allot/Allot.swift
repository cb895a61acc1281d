import ArgumentParser

/// `allot`: the terminal workbench for order allocation, and its commands for scripts.
@main
struct Allot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allot",
        abstract: "A terminal workbench for order allocation in distribution.",
        discussion: """
        With no command, opens the workbench on the mirror (a new, empty mirror is loaded with the bundled \
        sample scenario first). `allot help <command>` is the manual of each command.
        """,
        version: "0.1.0",
        subcommands: [
            Workbench.self,
            Status.self,
            Import.self,
            Watch.self,
            SourcesCommand.self,
            DeadLetters.self,
            EventSchemaCommand.self,
            Bench.self,
            PlanCommand.self,
            Decide.self,
            AuditCommand.self,
            Export.self,
            Metrics.self,
            Alerts.self,
            Insight.self,
            Generate.self,
            Explain.self,
        ],
        defaultSubcommand: Workbench.self
    )
}
