import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// `allot deadletters`: rejected input lines, and their retry.
struct DeadLetters: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deadletters",
        abstract: "List rejected input (reason, source, raw text) and retry it after fixing reference data.",
        discussion: """
        An event line that could not be applied (bad JSON, unknown type, a missing or wrong field, an unknown \
        warehouse or sku, a line too long, invalid UTF-8) waits here with its reason. Fix what it refers to \
        (load the late item master, say) and `allot deadletters retry` it.
        """,
        subcommands: [List.self, Retry.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List open dead letters, newest first.")

        @Flag(name: .long, help: "Print JSON (one array) instead of text.")
        var json = false
        @Flag(name: .long, help: "Include resolved dead letters.")
        var all = false
        @Option(name: .long, help: ArgumentHelp("Only this source's dead letters.", valueName: "source"))
        var source: String?
        @Option(name: .long, help: ArgumentHelp("At most this many.", valueName: "n"))
        var limit = 200

        @OptionGroup var store: StoreOptions

        func run() throws {
            let letters = try store.open().deadLetters(includeResolved: all, source: source, limit: limit)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(letters), as: UTF8.self))
                return
            }
            if letters.isEmpty { print(all ? "no dead letters" : "no open dead letters"); return }
            for d in letters {
                let at = d.line.map { "\(d.file):\($0)" } ?? d.file
                print("#\(d.id) [\(d.status)] \(d.source ?? "?") \(at): \(d.reason)")
                let raw = d.raw.count > 200 ? String(d.raw.prefix(197)) + "..." : d.raw
                print("    \(raw)")
                if d.retries > 0 {
                    print("    retried \(d.retries)×, last \(d.lastRetryAt ?? "?"): \(d.lastRetryResult ?? "")")
                }
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-apply dead letters (all open ones, or the given ids); each retry is recorded.",
            discussion: "A line that now applies (or was applied meanwhile) is resolved; one still refused stays open with the new reason. Exits non-zero when any stays open.")

        @Argument(help: ArgumentHelp("Dead-letter ids to retry (default: every open one).", valueName: "id"))
        var ids: [Int64] = []

        @OptionGroup var store: StoreOptions

        func run() throws {
            let mirror = try store.open()
            let results: [DeadLetterRetry]
            do { results = try mirror.retryDeadLetters(ids: ids) } catch let e as DeadLetterError {
                throw ValidationError(e.description)
            }
            for r in results { print("#\(r.id): \(r.resolved ? "resolved" : "still open"): \(r.result)") }
            let open = results.filter { !$0.resolved }.count
            print("retried \(results.count), resolved \(results.count - open), still open \(open)")
            if open > 0 { throw ExitCode.failure }
        }
    }
}
