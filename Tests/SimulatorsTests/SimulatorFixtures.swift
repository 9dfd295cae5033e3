import DES
import Foundation
import RegistryCore
@testable import Simulators

/// Shared builders for the simulator tests: temporary databases, blocks and proposals.
enum Fixture {
    static func temporaryPath(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sims-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    static func cer(_ start: Int64, _ end: Int64, period: CommitmentPeriod = .second) throws -> UnitBlock {
        UnitBlock(
            range: try SerialRange(start, end),
            attributes: UnitAttributes(
                originatingRegistry: .cdm, unitType: .cer, originalCommitmentPeriod: period,
                applicableCommitmentPeriod: period, project: 42))
    }

    static func id(_ text: String) throws -> TransactionIdentifier { try TransactionIdentifier(text) }

    static func proposal(
        _ id: String, type: TransactionType, from: RegistryCode = .cdm, transferring: RegistryCode = .cdm,
        acquiring: RegistryCode, acquiringAccountType: AccountType?, acquiringAccount: Int64? = 1001,
        blocks: [UnitBlock], minorVersion: Int = 1
    ) throws -> AcceptProposalRequest {
        AcceptProposalRequest(
            from: from, to: .itl, majorVersion: 1, minorVersion: minorVersion,
            proposedTransaction: DESProposalTransaction(
                transactionIdentifier: try TransactionIdentifier(id), transactionType: type,
                transferringRegistryCode: transferring,
                transferringRegistryAccountType: type == .issuance ? nil : .partyHolding,
                transferringRegistryAccountIdentifier: type == .issuance ? nil : 7,
                acquiringRegistryCode: acquiring, acquiringRegistryAccountType: acquiringAccountType,
                acquiringRegistryAccountIdentifier: acquiringAccount,
                proposalUnitBlocks: blocks.map { DESTransactionUnitBlock(block: $0) }))
    }
}

/// Collects what the relay sends, in order, for the tests to read and answer.
final class RecordingOutbound: ITLOutbound, @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [ITLOutboundMessage] = []

    func enqueue(_ message: ITLOutboundMessage) { lock.withLock { messages.append(message) } }

    /// Everything sent since the last call.
    func take() -> [ITLOutboundMessage] {
        lock.withLock {
            defer { messages = [] }
            return messages
        }
    }
}

/// A clock the test moves by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) { current = start }

    var now: Date { lock.withLock { current } }
    func advance(by seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
    var function: @Sendable () -> Date { { [self] in self.now } }
}

extension ITLOutboundMessage {
    /// The notification inside, if that is what this message is.
    var notification: AcceptNotificationRequest? {
        if case .acceptNotification(let notification) = request { return notification }
        return nil
    }
}
