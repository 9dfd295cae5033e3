import Testing

@testable import RegistryCore

@Suite struct ShareOfProceedsTests {
    @Test(arguments: [
        (Int64(1), Int64(1)), (49, 1), (50, 1), (51, 2), (100, 2), (101, 3), (149, 3), (150, 3), (10_000, 200),
        (10_123, 203),
    ])
    func twoPercentRoundedUpSoLeftoversGoToTheFund(issued: Int64, share: Int64) {
        #expect(LedgerPlanner<Ledger>.shareOfProceeds(of: issued, leastDevelopedCountry: false) == share)
    }

    @Test func noOverflowAtTheLargestQuantity() {
        let share = LedgerPlanner<Ledger>.shareOfProceeds(of: .max, leastDevelopedCountry: false)
        #expect(share == Int64.max / 50 + 1)
    }

    @Test func issuanceSplitsIntoFundAndPending() throws {
        var fixture = try LedgerFixture()
        let record = try fixture.issue(start: 1, count: 101)
        #expect(record.shareOfProceeds == 3 && record.pendingQuantity == 98 && record.inPending == 98)
        #expect(fixture.ranges(in: .adaptationFund) == [try SerialRange(1, 3)])
        #expect(fixture.ranges(in: .cdmPending) == [try SerialRange(4, 101)])
        let fundBlock = try #require(fixture.ledger.blocks(in: .adaptationFund).first)
        #expect(fundBlock.attributes.project == LedgerFixture.windProject && fundBlock.attributes.unitType == .cer)
        #expect(fixture.ledger.verify().isEmpty)
    }

    @Test func leastDevelopedCountriesAreExempt() throws {
        var fixture = try LedgerFixture()
        let record = try fixture.issue(project: LedgerFixture.ldcProject, start: 1, count: 1_000)
        #expect(record.shareOfProceeds == 0)
        #expect(fixture.ledger.balance(of: .adaptationFund) == 0)
        #expect(fixture.ledger.balance(of: .cdmPending) == 1_000)
        #expect(fixture.ledger.verify().isEmpty)
    }

    @Test func aSingleUnitIssuanceGoesWhollyToTheFund() throws {
        var fixture = try LedgerFixture()
        let record = try fixture.issue(start: 7, count: 1)
        #expect(record.shareOfProceeds == 1 && record.inPending == 0)
        #expect(fixture.ledger.balance(of: .cdmPending) == 0)
        #expect(fixture.ledger.verify().isEmpty)
    }
}

@Suite struct SOPAdminTests {
    @Test func instalmentsReleaseCumulativelyWithoutDrift() throws {
        var fixture = try LedgerFixture()
        let record = try fixture.issue(start: 1, count: 101, due: 300)  // 98 pending
        #expect(record.released == 0)
        var released: [Int64] = []
        for _ in 0..<3 {
            try fixture.ledger.perform(.paySOPAdmin(SOPAdminPayment(issuance: record.identifier, amount: 100)),
                                       at: LedgerFixture.time)
            released.append(try #require(fixture.ledger.issuance(record.identifier)).released)
        }
        // floor(98 * 100 / 300) = 32, floor(98 * 200 / 300) = 65, and full payment releases all 98.
        #expect(released == [32, 65, 98])
        // Many tiny instalments release exactly what one payment of their sum would.
        var other = try LedgerFixture()
        let second = try other.issue(start: 1, count: 101, due: 300)
        for _ in 0..<200 {
            try other.ledger.perform(.paySOPAdmin(SOPAdminPayment(issuance: second.identifier, amount: 1)),
                                     at: LedgerFixture.time)
        }
        #expect(try #require(other.ledger.issuance(second.identifier)).released == 65)
    }

    @Test func overpaymentIsRefused() throws {
        var fixture = try LedgerFixture()
        let record = try fixture.issue(start: 1, count: 100, due: 500)
        try fixture.ledger.perform(.paySOPAdmin(SOPAdminPayment(issuance: record.identifier, amount: 400)),
                                   at: LedgerFixture.time)
        fixture.expectRefusal(
            .paySOPAdmin(SOPAdminPayment(issuance: record.identifier, amount: 101)),
            .sopAdminOverpaid(record.identifier, due: 500, alreadyPaid: 400, payment: 101))
        fixture.expectRefusal(
            .paySOPAdmin(SOPAdminPayment(issuance: record.identifier, amount: 0)), .nonPositivePayment(0))
        fixture.expectRefusal(
            .paySOPAdmin(SOPAdminPayment(issuance: record.identifier, amount: .max)),
            .sopAdminOverpaid(record.identifier, due: 500, alreadyPaid: 400, payment: .max))
    }

    @Test func releaseHandlesLargeQuantitiesAndAmounts() throws {
        var record = try LedgerFixture().ledger.issuance(IssuanceIdentifier(project: 1, number: 1))
        #expect(record == nil)
        let attributes = UnitAttributes(
            originatingRegistry: .cdm, unitType: .cer, originalCommitmentPeriod: .second,
            applicableCommitmentPeriod: .second, project: 1)
        record = IssuanceRecord(
            identifier: IssuanceIdentifier(project: 1, number: 1), unitType: .cer,
            serials: try SerialRange(start: 1, count: 50_000_000_000), attributes: attributes,
            monitoringPeriodStart: try CalendarDate(parsing: "2019-01-01"),
            monitoringPeriodEnd: try CalendarDate(parsing: "2019-12-31"), issuedAt: LedgerFixture.time,
            pendingAccount: .cdmPending, shareOfProceedsAccount: .adaptationFund, shareOfProceeds: 1_000_000_000,
            sopAdminDue: 999_999_999_999, sopAdminPaid: 333_333_333_333, inPending: 49_000_000_000)
        // 49e9 * 333333333333 overflows 64 bits; the 128-bit intermediate gives floor(49e9 / 3).
        #expect(record?.released == 16_333_333_333)
    }
}
