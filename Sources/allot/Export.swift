import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// `allot export`: the outbox of decisions for the ERP, at least once, with idempotency keys.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write pending outbox events for the ERP as JSON Lines, or acknowledge delivered ones.",
        discussion: """
        Every released allocation, approval, hold, hold release and cancellation puts one canonical event in the \
        outbox in the same transaction as the decision. `allot export` writes every event not yet acknowledged, \
        one JSON object a line: {"id", "source":"allot", "seq", "type", "at", "data"} — `id` is the idempotency \
        key, so the ERP can apply a replayed event at most once. Events stay pending (and are exported again) \
        until acknowledged with `allot export --ack`.

        --ack takes a file (an exported JSON Lines file, or one id a line) or a comma-separated list of ids. \
        All or nothing: an id the outbox never issued acknowledges none (exit 1).
        """)

    @Option(name: .long, help: ArgumentHelp("Write to this file (replaced atomically) instead of standard output.", valueName: "file"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Acknowledge events: a file of ids or exported lines, or ids separated by commas.", valueName: "file-or-ids"))
    var ack: String?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if ack != nil && out != nil { throw ValidationError("--out and --ack do not go together") }
    }

    func run() throws {
        let decisions = DecisionStore(mirror: try store.open())
        if let ack {
            let ids = try Self.ids(from: ack)
            guard !ids.isEmpty else { throw ValidationError("--ack: no event ids in '\(ack)'") }
            do {
                let newly = try decisions.acknowledge(ids)
                printError("acknowledged \(newly) event\(newly == 1 ? "" : "s")\(ids.count > newly ? " (\(ids.count - newly) already were)" : "")")
            } catch let e as OutboxAckError {
                printError("error: \(e.description)")
                throw ExitCode(1)
            }
            return
        }
        let events = try decisions.pendingEvents()
        let text = events.map { $0.jsonLine + "\n" }.joined()
        if let out {
            try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        // Recorded only after the events were written out: a crash before this line just exports them again.
        try decisions.markExported(events.map(\.id))
        let again = events.filter { $0.exportCount > 0 }.count
        printError("exported \(events.count) event\(events.count == 1 ? "" : "s")\(out.map { " to \($0)" } ?? "")\(again > 0 ? " (\(again) not yet acknowledged from an earlier export)" : "")")
    }

    /// Event ids from a file (JSON Lines with an `id`, or one id a line) or from a comma-separated list.
    static func ids(from arg: String) throws -> [String] {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: arg, isDirectory: &isDir), !isDir.boolValue {
            let text = try String(contentsOfFile: arg, encoding: .utf8)
            var ids: [String] = []
            for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty { continue }
                if line.hasPrefix("{") {
                    guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let id = obj["id"] as? String else {
                        throw ValidationError("\(arg):\(n + 1): field 'id': not a JSON object with a string id")
                    }
                    ids.append(id)
                } else {
                    ids.append(line)
                }
            }
            return ids
        }
        return arg.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
    }
}
