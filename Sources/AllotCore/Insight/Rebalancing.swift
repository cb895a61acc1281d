/// Rebalancing: where one warehouse is projected to run out of a sku while another holds more than it needs,
/// recommend a transfer (from where, how many, arriving when, at what cost). A supervisor approves it.

/// A recommended inter-warehouse transfer.
public struct TransferRecommendation: Hashable, Sendable, Codable {
    /// Stable for the same sku and lane, so an approval can name it: `RB:MX-200:DAL>ATL`.
    public var id: String
    public var sku: SKU
    public var from: WarehouseID
    public var to: WarehouseID
    public var qty: Int
    public var arrivalDate: Day
    public var cost: Double
    /// When the receiving warehouse is projected to run out without the transfer.
    public var runOutDate: Day?
    /// True when the units arrive before the projected run-out.
    public var beforeShortage: Bool
    public var reason: String
    public var basis: SignalBasis

    public init(id: String, sku: SKU, from: WarehouseID, to: WarehouseID, qty: Int, arrivalDate: Day, cost: Double, runOutDate: Day? = nil,
                beforeShortage: Bool = true, reason: String = "", basis: SignalBasis = SignalBasis(inputs: [], historySize: 0, confidence: .none)) {
        self.id = id; self.sku = sku; self.from = from; self.to = to; self.qty = qty; self.arrivalDate = arrivalDate; self.cost = cost
        self.runOutDate = runOutDate; self.beforeShortage = beforeShortage; self.reason = reason; self.basis = basis
    }

    enum CodingKeys: String, CodingKey {
        case id, sku, from, to, qty, arrivalDate = "arrival_date", cost, runOutDate = "run_out_date",
             beforeShortage = "before_shortage", reason, basis
    }
}

public enum RebalancingModel {
    /// Recommends transfers from surplus to at-risk positions of the same sku. A donor keeps enough for
    /// `coverDays` of its own forecast demand; a receiver asks for the units of the days of
    /// cover it lacks.
    public static func recommend(risks: [StockoutRisk], transfers: [Transfer], asOf: Day, coverDays: Double) -> [TransferRecommendation] {
        var out: [TransferRecommendation] = []
        let lanes = Dictionary(grouping: transfers) { "\($0.from)>\($0.to)" }
        for (sku, positions) in Dictionary(grouping: risks, by: \.sku).sorted(by: { $0.key < $1.key }) {
            var surplus: [WarehouseID: Int] = [:]
            for p in positions where !p.atRisk && p.basis.confidence > .none {
                let keep = p.forecast.rate * coverDays
                let spare = Int((Double(p.atp - p.openDemand) - keep).rounded(.down))
                if spare > 0 { surplus[p.warehouseID] = spare }
            }
            let receivers = positions.filter(\.atRisk).sorted { ($0.daysOfCover ?? 0, $0.warehouseID) < ($1.daysOfCover ?? 0, $1.warehouseID) }
            for r in receivers {
                // The days of cover missing, in units (receipts are already inside the projected cover).
                var need = Int((r.forecast.rate * (coverDays - (r.daysOfCover ?? coverDays))).rounded(.up))
                guard need > 0 else { continue }
                let options = surplus.keys.compactMap { from -> Transfer? in lanes["\(from)>\(r.warehouseID)"]?.first }
                    .sorted { ($0.costPerUnit, $0.leadDays, $0.from) < ($1.costPerUnit, $1.leadDays, $1.from) }
                for lane in options where need > 0 {
                    let qty = min(need, surplus[lane.from] ?? 0)
                    // A transfer smaller than a day of the receiver's demand (or five units) is not worth a truck.
                    guard qty > 0, Double(qty) >= max(5, r.forecast.rate) else { continue }
                    surplus[lane.from]! -= qty
                    need -= qty
                    let arrival = asOf + lane.leadDays
                    let before = r.runOutDate.map { arrival <= $0 } ?? true
                    let donor = positions.first { $0.warehouseID == lane.from }
                    var inputs = ["\(r.warehouseID): ATP \(r.atp), open demand \(r.openDemand), \(Fmt.fixed(r.forecast.rate, 2))/day, cover \(r.daysOfCover.map { Fmt.fixed($0, 1) } ?? "–") days"]
                    if let donor {
                        inputs.append("\(lane.from): ATP \(donor.atp), open demand \(donor.openDemand), \(Fmt.fixed(donor.forecast.rate, 2))/day")
                    }
                    inputs.append("lane \(lane.from)→\(r.warehouseID): \(lane.leadDays) day(s), \(Fmt.fixed(lane.costPerUnit, 2))/unit")
                    let history = min(r.basis.historySize, donor?.basis.historySize ?? 0)
                    out.append(TransferRecommendation(
                        id: "RB:\(sku):\(lane.from)>\(r.warehouseID)", sku: sku, from: lane.from, to: r.warehouseID, qty: qty,
                        arrivalDate: arrival, cost: Double(qty) * lane.costPerUnit, runOutDate: r.runOutDate, beforeShortage: before,
                        reason: "\(r.warehouseID) runs out \(r.runOutDate.map { "on \($0)" } ?? "soon") while \(lane.from) holds \(qty) units beyond \(Fmt.fixed(coverDays, 0)) days of its own demand"
                            + (before ? "" : "; the transfer arrives after the run-out"),
                        basis: SignalBasis(inputs: inputs, historySize: history, confidence: min(r.basis.confidence, donor?.basis.confidence ?? .none))))
                }
            }
        }
        return out
    }
}
