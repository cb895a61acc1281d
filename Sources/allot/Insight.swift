import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// `allot insight`: assisted decisions from transparent models trained on the mirror's own history.
struct Insight: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Assisted decisions: stockout risk, at-risk promises, substitutes, rebalancing, unusual decisions, overrides.",
        discussion: """
        Every signal is computed from the mirror alone (no external service) and shows its basis: the inputs it \
        used, how much history, and a confidence (none/low/medium/high). Policy thresholds ([insight] in \
        policy.toml) decide what is flagged and what may be released automatically.
        """,
        subcommands: [InsightShow.self, InsightEvaluate.self, InsightHistory.self, InsightGenerateHistory.self, InsightApprove.self],
        defaultSubcommand: InsightShow.self)
}

/// Options shared by the insight subcommands that compute signals.
struct InsightOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The day to look forward from (default: today).", valueName: "YYYY-MM-DD"))
    var asOf: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    var day: Day { asOf.flatMap { Day($0) } ?? Day(unixSeconds: Date().timeIntervalSince1970) }

    func check() throws {
        if let asOf, Day(asOf) == nil { throw ValidationError("--as-of '\(asOf)' is not a date YYYY-MM-DD") }
    }
}

struct InsightShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the signals (all, or one: stockout, promises, substitutes, rebalance, unusual, overrides).",
        discussion: """
        stockout: demand per sku × warehouse from order history (lumps cleaned; mean, damped trend, their average or \
        exponential smoothing, whichever best predicted the last days of the history), projected against ATP, \
        open demand and inbound receipts: days of cover and run-out date; flagged under insight.stockout_cover_days.
        promises: lines waiting on a receipt whose supplier slipped etas before: probability of missing.
        substitutes: acceptance of a substitute by a customer (Beta prior borrowing from the pair and the family); \
        auto-eligible when the 80 % interval's low end reaches insight.substitution_auto_acceptance.
        rebalance: transfers from surplus to at-risk warehouses; a supervisor approves (`allot insight approve`).
        unusual: recommendations far (robust z-score > insight.unusual_z_score) from similar past lines.
        overrides: how likely each review line is to be overridden, learned from planners' past overrides.
        """)

    @OptionGroup var options: InsightOptions

    @Argument(help: ArgumentHelp("One signal to show (default: all).", valueName: "signal"))
    var signal: String?

    @Option(help: "At most this many items per signal.")
    var limit: Int = 20

    @Flag(name: .customLong("no-basis"), help: "Leave out each signal's basis lines.")
    var noBasis = false

    func validate() throws {
        try options.check()
        if let signal, Signal(rawValue: signal) == nil {
            throw ValidationError("'\(signal)' is not a signal: \(Signal.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let mirror = try options.store.open()
        let policy = try mirror.storedPolicy()
        let inputs = try InsightReads(mirror: mirror).insightInputs(asOf: options.day, policy: policy)
        let d = AssistedDecisions.compute(inputs, policy: policy.insight)
        let which = signal.flatMap { Signal(rawValue: $0) }
        if options.json {
            guard let which else { print(try JSONOutput.string(d)); return }
            switch which {
            case .stockout: print(try JSONOutput.string(d.stockout))
            case .promises: print(try JSONOutput.string(d.promises))
            case .substitutes: print(try JSONOutput.string(d.substitutes))
            case .rebalance: print(try JSONOutput.string(d.rebalance))
            case .unusual: print(try JSONOutput.string(d.unusual))
            case .overrides: print(try JSONOutput.string(d.overrides))
            }
        } else {
            print("As of \(d.asOf); order history from \(inputs.historyStart), \(inputs.demand.count) past lines, \(inputs.receipts.count) receipt eta histories")
            print("")
            print(InsightText.signals(d, which: which, limit: limit, withBasis: !noBasis))
        }
    }
}

struct InsightEvaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Backtest every model: train on the earlier history, test on the later; print precision/recall or error.")

    @OptionGroup var options: InsightOptions

    @Option(help: ArgumentHelp("Fraction of each history (in time order) to train on.", valueName: "0..1"))
    var train: Double = 0.7

    func validate() throws {
        try options.check()
        guard train > 0.1 && train < 0.95 else { throw ValidationError("--train must be between 0.1 and 0.95") }
    }

    func run() throws {
        let mirror = try options.store.open()
        let policy = try mirror.storedPolicy()
        let inputs = try InsightReads(mirror: mirror).insightInputs(asOf: options.day, policy: policy)
        let e = AssistedDecisions.evaluate(inputs, policy: policy.insight, trainFraction: train)
        print(options.json ? try JSONOutput.string(e) : InsightText.evaluation(e))
    }
}

struct InsightHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Load a scenario's history files (past lines, shipments, receipt etas) into the mirror.",
        discussion: """
        Reads DIR/history/ (or DIR itself): lines.csv (past lines with recommendation, decision and outcome), \
        shipments.csv (as shipment.confirmed), receipt_etas.csv (every eta a receipt was given). All or nothing: \
        a bad row names its file, line and field and nothing is loaded. Loading the same files again changes nothing.
        """)

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The scenario folder (or its history/ folder).", valueName: "dir"))
    var directory: String

    func run() throws {
        let mirror = try store.open()
        do {
            let s = try HistoryLoader(mirror: mirror).load(directory: directory)
            print("history: \(s.lines) past lines, \(s.shipments) shipments, \(s.etas) receipt etas")
        } catch let e as HistoryFileError {
            throw ValidationError(e.description)
        }
    }
}

struct InsightApprove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a recommended rebalancing transfer (supervisors and admins only); it becomes a real transfer.",
        discussion: """
        In one transaction: the units are held at the sending warehouse (its reserved count grows until the WMS \
        reports the move), an inbound transfer receipt ALLOT-TR-<n> arrives at the receiving warehouse on the \
        recommended date (the next `allot plan` draws on it), a receipt.upserted event (kind transfer, with \
        from_warehouse) goes to the outbox for the ERP/WMS to execute (`allot export`), and the audit log records \
        who approved it. Refused, with nothing written, when the user may not approve or the stock is no longer free.
        """)

    @OptionGroup var options: InsightOptions

    @Argument(help: ArgumentHelp("The transfer's id as `allot insight rebalance` shows it.", valueName: "id"))
    var id: String

    @Option(help: "The approving user (must hold the supervisor or admin role).")
    var user: String

    @Option(help: "A note kept with the approval.")
    var note: String?

    func validate() throws { try options.check() }

    func run() throws {
        let mirror = try options.store.open()
        let policy = try mirror.storedPolicy()
        let inputs = try InsightReads(mirror: mirror).insightInputs(asOf: options.day, policy: policy)
        let d = AssistedDecisions.compute(inputs, policy: policy.insight)
        guard let t = d.rebalance.first(where: { $0.id == id }) else {
            throw ValidationError("no current rebalancing recommendation '\(id)' (see `allot insight rebalance`)")
        }
        let approved: TransferApprovals.Approved
        do {
            approved = try TransferApprovals(mirror: mirror).approve(t, user: user, note: note)
        } catch let e as TransferApprovals.Refusal {
            throw ValidationError(e.description)
        }
        print("approved \(t.id): \(t.qty) × \(t.sku) \(t.from)→\(t.to), arriving \(t.arrivalDate), cost \(Fmt.fixed(t.cost, 2))")
        print("  inbound receipt \(approved.receiptID) at \(t.to) (the next plan draws on it); \(t.qty) held at \(t.from); "
              + "outbox event \(approved.eventID) (receipt.upserted); audit #\(approved.auditSeq)")
    }
}

struct InsightGenerateHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-history",
        abstract: "Write synthetic history files (DIR/history/*.csv) shaped by the scenario in DIR.",
        discussion: """
        Seeded and deterministic: past lines with recommendations, decisions (overrides with reasons), \
        shipments with delivery dates and receipts with slipped etas, ending the day before --as-of (default: \
        the day of the newest inventory count in the scenario). The patterns it plants are described in \
        `HistoryGenerator`: a ramping promo family, overrides of the stalest warehouse, one slipping supplier, \
        tier-dependent substitute acceptance.
        """)

    @Argument(help: ArgumentHelp("A scenario folder in the contract's CSV layout.", valueName: "dir"))
    var directory: String

    @Option(help: "Weeks of history.")
    var weeks: Int = 8

    @Option(help: "Random seed.")
    var seed: UInt64 = 7

    @Option(name: .customLong("as-of"), help: ArgumentHelp("History ends the day before this date.", valueName: "YYYY-MM-DD"))
    var asOf: String?

    func validate() throws {
        if let asOf, Day(asOf) == nil { throw ValidationError("--as-of '\(asOf)' is not a date YYYY-MM-DD") }
        guard (1...52).contains(weeks) else { throw ValidationError("--weeks must be between 1 and 52") }
    }

    func run() throws {
        let scratch = try Mirror()
        do { _ = try SnapshotImporter(mirror: scratch).importSnapshot(directory: directory) } catch let rejected as SnapshotRejected {
            for p in rejected.problems { printError(p.description) }
            throw ValidationError("\(directory): the scenario does not load")
        }
        let snapshot = try scratch.loadSnapshot()
        let policy = try scratch.storedPolicy()
        let day = asOf.flatMap { Day($0) } ?? (snapshot.inventory.compactMap { $0.asOf?.day }.max() ?? Day(unixSeconds: Date().timeIntervalSince1970))
        let history = HistoryGenerator.generate(snapshot: snapshot, policy: policy, asOf: day, weeks: weeks, seed: seed)
        let out = directory + "/history"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for (name, text) in history.files.sorted(by: { $0.key < $1.key }) {
            try text.write(toFile: out + "/" + name, atomically: true, encoding: .utf8)
        }
        print("\(out): \(history.lines.count) past lines, \(history.shipments.count) shipments, \(history.etas.count) receipt etas (history ends \(day - 1))")
    }
}
