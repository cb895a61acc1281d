import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// `allot` with no command: the workbench.
struct Workbench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workbench",
        abstract: "Open the workbench on the mirror (the default command).")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let mirror = try store.open()
        // First start: a new, empty mirror is loaded with the bundled sample scenario.
        let sample = SampleLocator.scenario(SampleLocator.defaultScenario)
        if FileManager.default.fileExists(atPath: sample), let loaded = try mirror.loadSampleIfEmpty(directory: sample) {
            print("loaded the sample scenario \(SampleLocator.defaultScenario) into a new mirror: \(loaded)")
        }
        try Status.parse(["--db", store.path]).run()
    }
}
