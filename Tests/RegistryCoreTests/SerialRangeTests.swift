import Testing

@testable import RegistryCore

@Suite struct SerialRangeTests {
    @Test func singleUnitCountsOne() throws {
        let range = try SerialRange(7, 7)
        #expect(range.count == 1)
        #expect(throws: SerialRangeError.countExceedsRange(count: 2, range: range)) { try range.split(taking: 2) }
    }
}
