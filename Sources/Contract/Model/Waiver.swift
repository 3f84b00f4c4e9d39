/// `waiver = { until = "2027-03-31", reason = "..." }`: an accepted exception. Until the end of
/// that day (UTC) the entry's failing checks are reported as waived and do not make the contract
/// fail; from the next day on they fail again, saying the waiver expired.
public struct Waiver: Codable, Sendable, Hashable {
    /// The last day the waiver holds.
    public var until: CalendarDay
    /// Why the exception was accepted, shown with every waived check.
    public var reason: String

    public init(until: CalendarDay, reason: String) {
        self.until = until
        self.reason = reason
    }

    /// Whether the waiver still holds on `today`.
    public func holds(on today: CalendarDay) -> Bool { today <= until }
}
