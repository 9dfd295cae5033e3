import DES
import Foundation
import RegistryCore
import Testing
@testable import Simulators

/// The serial-set and totals arithmetic the reconciliation driver compares with.
@Suite("ITL reconciliation comparison")
struct ITLReconciliationComparisonTests {
    func ranges(_ pairs: [(Int64, Int64)]) throws -> [SerialRange] { try pairs.map { try SerialRange($0.0, $0.1) } }

    @Test func normalizingMergesOverlappingAndAdjacentRanges() throws {
        let merged = ITLReconciliationComparison.normalized(
            try ranges([(20, 30), (1, 5), (6, 10), (25, 40), (50, 50)]))
        #expect(merged == (try ranges([(1, 10), (20, 40), (50, 50)])))
        let top = ITLReconciliationComparison.normalized(try ranges([(Int64.max - 1, Int64.max), (5, 5)]))
        #expect(top == (try ranges([(5, 5), (Int64.max - 1, Int64.max)])))
    }

    @Test func subtractingCutsEveryRemovedRangeOutOfTheBase() throws {
        let base = try ranges([(1, 100), (200, 300)])
        let removed = try ranges([(1, 10), (50, 60), (100, 210), (300, 400)])
        #expect(
            ITLReconciliationComparison.subtracting(removed, from: base)
                == (try ranges([(11, 49), (61, 99), (211, 299)])))
        #expect(ITLReconciliationComparison.subtracting([], from: base) == base)
    }

    @Test func splitBlocksOnOneSideEqualAWholeBlockOnTheOther() throws {
        let key = ITLReconciledSerials.Key(originatingRegistry: .cdm, unitType: .cer, cancelled: false)
        let itl = [ITLReconciledSerials(key: key, range: try SerialRange(1, 100))]
        let registry = try ranges([(1, 30), (31, 99), (100, 100)]).map { ITLReconciledSerials(key: key, range: $0) }
        #expect(ITLReconciliationComparison.blockDifferences(itl: itl, registry: registry).isEmpty)
    }

    @Test func registryTotalsInCancellationAccountsCountAsCancelled() {
        let totals = ITLReconciliationComparison.totals(of: [
            DESTotal(accountType: .pending, accountCommitPeriod: .second, unitType: .cer, unitCount: 7),
            DESTotal(
                accountType: .excessIssuanceCancellation, accountCommitPeriod: .second, unitType: .cer, unitCount: 3),
            DESTotal(accountType: .tCERReplacementExpiry, accountCommitPeriod: .second, unitType: .tcer, unitCount: 2),
            DESTotal(accountType: .partyHolding, accountCommitPeriod: .second, unitType: .cer, unitCount: Int64.max),
        ])
        #expect(totals[.init(unitType: .cer, cancelled: false)] == Int64.max)
        #expect(totals[.init(unitType: .cer, cancelled: true)] == 3)
        #expect(totals[.init(unitType: .tcer, cancelled: true)] == 2)
    }
}
