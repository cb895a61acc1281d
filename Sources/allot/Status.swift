import ArgumentParser
import AllotCore
import AllotStore

/// `allot status`: what the mirror holds, table by table.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what the mirror holds: rows per table and its policy.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let mirror = try store.open()
        print("mirror: \(store.path)")
        for (table, rows) in try mirror.counts() {
            print("  \(table.padding(toLength: 14, withPad: " ", startingAt: 0)) \(rows)")
        }
        let policy = try mirror.storedPolicy()
        print("policy: \(policy.version)")
    }
}
