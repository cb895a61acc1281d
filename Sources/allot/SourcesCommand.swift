import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// `allot sources`: how current each feeding system is.
struct SourcesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources",
        abstract: "Show each source's freshness: last event, lag, seq gaps, rejected input, failed files.",
        discussion: """
        One row per source (the `source` of its events, or the name prefix of its drop-folder files): the time \
        of its newest applied event, the lag from then to now, its last seq, the gaps seen in its seq (times a \
        seq skipped ahead, and seqs never applied), counts of applied, duplicate, stale and rejected events, open \
        dead letters, and files taken from the drop folder (failed ones too). A source is `stale` when nothing \
        new came for longer than the policy's `exceptions.stale_inventory_hours`, `failing` when its last file \
        failed or its events wait in dead letters. Below the table: inventory positions counted longer ago than \
        that limit (the engine flags the lines depending on them STALE_DATA). Exits 0 either way.
        """)

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Judge freshness at this moment (RFC 3339) instead of now.", valueName: "time"))
    var now: String?

    @Option(name: .long, help: ArgumentHelp("Hours after which a source or a count is stale (default: the policy's stale_inventory_hours).",
                                            valueName: "hours"))
    var staleHours: Double?

    @OptionGroup var store: StoreOptions

    func run() throws {
        let mirror = try store.open()
        let at = try now.map { text -> Timestamp in
            guard let t = Timestamp(text) else { throw ValidationError("--now: '\(text)' is not an RFC 3339 timestamp") }
            return t
        } ?? Timestamp(seconds: Date().timeIntervalSince1970)
        let hours = try staleHours ?? mirror.storedPolicy().exceptions.staleInventoryHours
        let health = try mirror.integrationHealth(now: at, staleAfterHours: hours)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(health), as: UTF8.self))
        } else {
            print(SourcesReport.text(health), terminator: "")
        }
    }
}

/// The plain-text table `allot sources` prints.
enum SourcesReport {
    static func text(_ h: IntegrationHealth) -> String {
        var rows: [[String]] = [["SOURCE", "STATUS", "LAST EVENT", "LAG", "SEQ", "GAPS", "MISSING", "APPLIED", "DUP", "STALE",
                                 "REJECTED", "DEAD", "FILES", "FAILED"]]
        for s in h.sources {
            rows.append([s.source, s.status.rawValue, s.lastEventAt?.description ?? "-", s.lagHours.map(lag) ?? "-", String(s.lastSeq),
                         String(s.gaps), String(s.missingSeqs), String(s.applied), String(s.duplicate), String(s.stale),
                         String(s.rejected), String(s.openDeadLetters), String(s.files), String(s.failedFiles)])
        }
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        var out = ""
        if h.sources.isEmpty { out += "no source has sent anything yet\n" } else {
            for r in rows {
                out += zip(r, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                    .trimmingCharacters(in: .whitespaces) + "\n"
            }
        }
        for s in h.sources {
            if let e = s.lastError { out += "\(s.source): last file \(s.lastFile ?? "?") failed: \(e.split(separator: "\n").first ?? "")\n" }
        }
        if h.unattributedDeadLetters > 0 {
            out += "\(h.unattributedDeadLetters) open dead letter(s) with no readable source (see `allot deadletters`)\n"
        }
        let limit = String(format: "%g", h.staleAfterHours)
        if h.staleInventory > 0 {
            out += "inventory: \(h.staleInventory) position(s) counted more than \(limit)h ago"
            out += h.oldestInventoryAsOf.map { " (oldest \($0))" } ?? ""
            out += ": the lines depending on them are flagged STALE_DATA\n"
        } else {
            out += "inventory: every dated position counted within \(limit)h\n"
        }
        if h.undatedInventory > 0 { out += "inventory: \(h.undatedInventory) position(s) without as_of\n" }
        return out
    }

    static func lag(_ hours: Double) -> String {
        hours < 1 ? "\(Int((hours * 60).rounded()))m" : hours < 48 ? String(format: "%.1fh", hours) : String(format: "%.1fd", hours / 24)
    }
}
