import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// `allot metrics`: the process metrics of allocation for a period, overall or broken down.
struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show allocation process metrics: cycle time, interventions, overrides, aging, fill, promises.",
        discussion: """
        Computed from the decision history (past lines loaded with `allot insight history`, and decisions taken \
        in Allot), confirmed shipments, the current plan's open exceptions and the integration counters.

        cycle time: order received → allocation released (p50/p90 hours). manual intervention: lines decided \
        by a person / decided lines. override rate: overridden recommendations / decided lines (with reason \
        codes). exception aging: open exceptions by type and queue (p50/p90/oldest, past SLA). fill rate: \
        allocated / requested units of released lines, full lines, full orders. split shipments: released lines \
        in more than one allocation or shipment. expedite: released lines using an expedite lane. promise \
        accuracy: delivered lines that arrived by their promised date. reservation accuracy: reserved lines \
        shipped from the reserved warehouse in the reserved quantity. integration failure rate: rejected / \
        received events.
        """)

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Only lines decided on or after this date.", valueName: "YYYY-MM-DD"))
    var since: String?

    @Option(help: ArgumentHelp("Break the metrics down by tier, customer, family, warehouse or queue.", valueName: "dimension"))
    var by: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Measure as of this moment (default: now).", valueName: "date or RFC 3339"))
    var asOf: String?

    @Option(help: ArgumentHelp("Weeks of history in the sparklines.", valueName: "n"))
    var weeks: Int = 8

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: ArgumentHelp("Also write a standalone HTML report (inline SVG charts) to this file.", valueName: "file"))
    var html: String?

    func validate() throws {
        if let since, Day(since) == nil { throw ValidationError("--since '\(since)' is not a date YYYY-MM-DD") }
        if let by, MetricDimension(rawValue: by) == nil {
            throw ValidationError("--by '\(by)' is not one of \(MetricDimension.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let asOf, Timestamp(asOf) == nil { throw ValidationError("--as-of '\(asOf)' is not a date or an RFC 3339 timestamp") }
        if weeks < 0 || weeks > 104 { throw ValidationError("--weeks must be between 0 and 104") }
    }

    func run() throws {
        let mirror = try store.open()
        let policy = try mirror.storedPolicy()
        let now = asOf.flatMap { Timestamp($0) } ?? Timestamp(seconds: Date().timeIntervalSince1970)
        let reads = InsightReads(mirror: mirror)
        let input = try reads.metricsInput(policy: policy)
        let report = ProcessMetrics.report(input, since: since.flatMap { Day($0) }, asOf: now, dimension: by.flatMap { MetricDimension(rawValue: $0) },
                                           slaHours: policy.slaHours, weeks: weeks)
        if let html {
            let signals = AssistedDecisions.compute(try reads.insightInputs(asOf: now.day, policy: policy), policy: policy.insight)
            do { try HTMLReport.render(report, signals: signals).write(toFile: html, atomically: true, encoding: .utf8) } catch {
                throw ValidationError("cannot write \(html): \(error.localizedDescription)")
            }
            if !json { printError("wrote \(html)") }
        }
        if json { print(try JSONOutput.string(report)) } else { print(InsightText.metrics(report)) }
    }
}

/// JSON as the commands print it: sorted keys, ISO dates, readable.
enum JSONOutput {
    static func string<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(value), as: UTF8.self)
    }
}
