import Contract
import Foundation
import Provision
import TestSupport
import Testing

/// The day a waiver is judged on, from the clock: compared with GNU date's UTC calendar on
/// moments spread over four centuries (leap years, the 100- and 400-year rules, before 1970).
@Suite struct CalendarDayTests {
    @Test func theUTCDayOfAMomentIsGNUDates() throws {
        let seed = UInt64.random(in: 1...UInt64.max)
        var generator = SeededGenerator(seed: seed)
        var moments: [Int] = [0, -1, 86_399, 86_400, 951_782_400, 951_868_799, 4_107_542_399, 4_107_542_400, -2_208_988_801]
        for _ in 0..<3000 { moments.append(Int.random(in: -5_000_000_000...12_000_000_000, using: &generator)) }
        let directory = TemporaryDirectory("calendar")
        let input = directory.write("moments", moments.map { "@\($0)" }.joined(separator: "\n") + "\n")
        let outcome = try run("/usr/bin/env", ["TZ=UTC", "date", "-u", "-f", input, "+%Y-%m-%d"])
        #expect(outcome.status == 0, "\(outcome.all)")
        let expected = outcome.standardOutput.split(separator: "\n").map(String.init)
        #expect(expected.count == moments.count)
        for (moment, day) in zip(moments, expected) {
            #expect(CalendarDay(secondsSinceEpoch: moment).description == day, "moment \(moment), seed \(seed)")
        }
    }

    @Test func onlyDaysOfTheCalendarParse() {
        #expect(CalendarDay("2024-02-29")?.description == "2024-02-29")
        #expect(CalendarDay("2000-02-29") != nil)
        #expect(CalendarDay("1900-02-29") == nil)
        #expect(CalendarDay("2027-02-29") == nil)
        #expect(CalendarDay("2027-04-31") == nil)
        #expect(CalendarDay("2027-13-01") == nil)
        #expect(CalendarDay("2027-00-10") == nil)
        #expect(CalendarDay("2027-1-01") == nil)
        #expect(CalendarDay("2027-01-01 ") == nil)
        #expect(CalendarDay("２027-01-01") == nil)
        #expect(CalendarDay("2027-03-31")! < CalendarDay("2027-04-01")!)
        #expect(CalendarDay("2026-12-31")! < CalendarDay("2027-01-01")!)
    }
}
