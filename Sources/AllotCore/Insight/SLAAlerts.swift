/// An exception that has waited in its queue longer than the policy's SLA for that queue.
public struct SLAAlert: Hashable, Sendable, Codable {
    public var key: LineKey
    public var kind: ExceptionKind
    public var queue: Role
    public var openedAt: Timestamp
    public var ageHours: Double
    public var slaHours: Double
    /// Hours past the SLA.
    public var overdueHours: Double { ageHours - slaHours }

    enum CodingKeys: String, CodingKey {
        case line, kind, queue, openedAt = "opened_at", ageHours = "age_hours", slaHours = "sla_hours", overdueHours = "overdue_hours"
    }
    public init(key: LineKey, kind: ExceptionKind, queue: Role, openedAt: Timestamp, ageHours: Double, slaHours: Double) {
        self.key = key; self.kind = kind; self.queue = queue; self.openedAt = openedAt; self.ageHours = ageHours; self.slaHours = slaHours
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .line)
        guard let k = LineKey(text) else { throw DecodingError.dataCorruptedError(forKey: .line, in: c, debugDescription: "not ORDER:LINE: \(text)") }
        key = k
        kind = try c.decode(ExceptionKind.self, forKey: .kind)
        queue = try c.decode(Role.self, forKey: .queue)
        openedAt = try c.decode(Timestamp.self, forKey: .openedAt)
        ageHours = try c.decode(Double.self, forKey: .ageHours)
        slaHours = try c.decode(Double.self, forKey: .slaHours)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(key.description, forKey: .line)
        try c.encode(kind, forKey: .kind)
        try c.encode(queue, forKey: .queue)
        try c.encode(openedAt, forKey: .openedAt)
        try c.encode(ageHours, forKey: .ageHours)
        try c.encode(slaHours, forKey: .slaHours)
        try c.encode(overdueHours, forKey: .overdueHours)
    }
}

public enum SLAAlerts {
    /// Exceptions past their queue's SLA at `now`, most overdue first. A queue with no SLA in the policy never alerts.
    public static func breaches(_ open: [OpenException], now: Timestamp, slaHours: [Role: Double]) -> [SLAAlert] {
        open.compactMap { x -> SLAAlert? in
            guard let sla = slaHours[x.queue] else { return nil }
            let age = (now.seconds - x.openedAt.seconds) / 3600
            guard age > sla else { return nil }
            return SLAAlert(key: x.key, kind: x.kind, queue: x.queue, openedAt: x.openedAt, ageHours: age, slaHours: sla)
        }.sorted { $0.overdueHours != $1.overdueHours ? $0.overdueHours > $1.overdueHours : $0.key < $1.key }
    }
}
