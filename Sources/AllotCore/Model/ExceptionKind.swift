/// Every reason a recommended line cannot simply be released.
public enum ExceptionKind: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case shortage = "SHORTAGE"
    case backorder = "BACKORDER"
    case split = "SPLIT"
    case late = "LATE"
    case lowMargin = "LOW_MARGIN"
    case highValue = "HIGH_VALUE"
    case substitution = "SUBSTITUTION"
    case transfer = "TRANSFER"
    case expedite = "EXPEDITE"
    case quotaLimit = "QUOTA_LIMIT"
    case commitmentConflict = "COMMITMENT_CONFLICT"
    case staleData = "STALE_DATA"
    case orderHold = "ORDER_HOLD"
    case creditHold = "CREDIT_HOLD"
    case shipComplete = "SHIP_COMPLETE"

    public static func < (a: ExceptionKind, b: ExceptionKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
