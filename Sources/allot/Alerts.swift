import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// `allot alerts`: exceptions waiting longer than their queue's SLA; exits non-zero when there are any.
struct Alerts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List exceptions past their queue's SLA; exit status 1 when there are any.",
        discussion: """
        Each role's queue has an SLA in the policy (`[sla]`, hours: planner, customer_service, supervisor, \
        finance). An exception of the current plan that no one has decided yet and that has waited longer than \
        its queue's SLA is listed, most overdue first. The exit status is 0 when none is overdue and 1 when \
        some are, so cron or a monitoring system can page someone.
        """)

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Measure as of this moment (default: now).", valueName: "date or RFC 3339"))
    var asOf: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        if let asOf, Timestamp(asOf) == nil { throw ValidationError("--as-of '\(asOf)' is not a date or an RFC 3339 timestamp") }
    }

    func run() throws {
        let mirror = try store.open()
        let policy = try mirror.storedPolicy()
        let now = asOf.flatMap { Timestamp($0) } ?? Timestamp(seconds: Date().timeIntervalSince1970)
        let open = try InsightReads(mirror: mirror).openExceptions(policy: policy)
        let alerts = SLAAlerts.breaches(open, now: now, slaHours: policy.slaHours)
        if json {
            struct Out: Encodable { let as_of: Timestamp; let count: Int; let alerts: [SLAAlert] }
            print(try JSONOutput.string(Out(as_of: now, count: alerts.count, alerts: alerts)))
        } else {
            print(InsightText.alerts(alerts))
        }
        if !alerts.isEmpty { throw ExitCode(1) }
    }
}
