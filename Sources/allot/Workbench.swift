import ArgumentParser
import AllotCore
import AllotStore

/// `allot` with no command: the workbench.
struct Workbench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workbench",
        abstract: "Open the workbench on the mirror (the default command).")

    @OptionGroup var store: StoreOptions

    func run() throws {
        try Status.parse(["--db", store.path]).run()
    }
}
