import DES
import Foundation
import Testing

@testable import RegistryCore
@testable import RegistryEngine
@testable import RegistryStore

/// Units held for an offer of the online platform: reserved without a transaction, sold by splitting the hold,
/// given back by releasing it.
@Suite struct EngineHoldTests {
    @Test("held units can be neither transferred nor held twice; releasing part gives exactly that part back")
    func holdAndRelease() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        _ = try await fixture.forward(60, of: issuance, to: EngineFixture.holder)
        let hold = try await fixture.engine.hold(EngineFixture.holder, quantity: 50)
        #expect(hold.destination == .account(EngineFixture.voluntary))
        #expect(try fixture.balance(EngineFixture.holder) == 10)
        await #expect(throws: EngineError.self) {
            try await fixture.engine.propose(
                .transfer(TransferOrder(from: EngineFixture.holder, to: EngineFixture.japan, quantity: 11)))
        }
        await #expect(throws: EngineError.self) {
            try await fixture.engine.hold(EngineFixture.holder, quantity: 11)
        }
        #expect(try await fixture.engine.releaseHold(hold.transaction, quantity: 20) == 20)
        #expect(try fixture.balance(EngineFixture.holder) == 30)
        #expect(try fixture.store.reservation(hold.transaction)?.quantity == 30)
        try await fixture.engine.releaseHold(hold.transaction)
        #expect(try fixture.balance(EngineFixture.holder) == 60)
        #expect(try fixture.store.reservation(hold.transaction) == nil)
        try fixture.expectVerified()
    }

    @Test("a hold's number is never given to a transaction, also after a restart")
    func holdNumbersAreNotReused() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        _ = try await fixture.forward(60, of: issuance, to: EngineFixture.holder)
        let hold = try await fixture.engine.hold(EngineFixture.holder, quantity: 10)
        let (engine, _) = try await fixture.restarted()
        let transfer = try await engine.propose(
            .transfer(TransferOrder(from: EngineFixture.holder, to: EngineFixture.japan, quantity: 5)))
        #expect(transfer.identifier != hold.transaction)
        #expect(transfer.identifier > hold.transaction || transfer.identifier.rawValue.count > hold.transaction.rawValue.count)
    }

    @Test("selling part of a hold cancels exactly that part; a repeated reference returns the first transaction")
    func cancellationOfHeld() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        _ = try await fixture.forward(60, of: issuance, to: EngineFixture.holder)
        let hold = try await fixture.engine.hold(EngineFixture.holder, quantity: 50)
        let order = HeldCancellationOrder(
            hold: hold.transaction, quantity: 30, beneficiary: "Town of Example", purpose: "2025 emissions",
            onBehalfOf: "buyer@example.org", reference: "order-1")
        let first = try await fixture.engine.propose(.cancellationOfHeld(order))
        let again = try await fixture.engine.propose(.cancellationOfHeld(order))
        #expect(again.identifier == first.identifier)
        #expect(try fixture.store.reservation(hold.transaction)?.quantity == 20)
        await fixture.sender.deliverDue()
        try await fixture.notify(first.identifier, .checkedNoDiscrepancy)
        #expect(try fixture.balance(EngineFixture.voluntary) == 30)
        #expect(try await fixture.state(first.identifier) == .final(.completed))
        let third = try await fixture.engine.propose(.cancellationOfHeld(order))
        #expect(third.identifier == first.identifier, "the reference still finds the completed transaction")
        #expect(try fixture.balance(EngineFixture.voluntary) == 30)
        await #expect(throws: EngineError.self) {
            try await fixture.engine.propose(
                .cancellationOfHeld(
                    HeldCancellationOrder(
                        hold: hold.transaction, quantity: 21, beneficiary: nil, purpose: nil, onBehalfOf: nil,
                        reference: "order-2")))
        }
        guard case .cancellation(let request) = try await fixture.engine.request(of: first.identifier) else {
            Issue.record("the request is stored with the transaction")
            return
        }
        #expect(request.onBehalfOf == "buyer@example.org" && request.hold == hold.transaction)
        #expect(try fixture.store.completedCancellationsWithoutAttestation(limit: 10).map(\.identifier) == [first.identifier])
        try fixture.expectVerified()
    }

    @Test("a sale the ITL refuses (discrepancy) goes back to the holder's account, the rest of the hold stays held")
    func rejectedSale() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        _ = try await fixture.forward(60, of: issuance, to: EngineFixture.holder)
        let hold = try await fixture.engine.hold(EngineFixture.holder, quantity: 50)
        let sale = try await fixture.engine.propose(
            .cancellationOfHeld(
                HeldCancellationOrder(
                    hold: hold.transaction, quantity: 30, beneficiary: nil, purpose: nil, onBehalfOf: nil,
                    reference: "order-9")))
        await fixture.sender.deliverDue()
        try await fixture.notify(sale.identifier, .checkedDiscrepancy, codes: [4010])
        #expect(try fixture.balance(EngineFixture.holder) == 40)
        #expect(try fixture.store.reservation(hold.transaction)?.quantity == 20)
        #expect(try fixture.balance(EngineFixture.voluntary) == 0)
        try fixture.expectVerified()
    }

    @Test("a hold is refused for mixed units and for a transaction's own reservation")
    func refusals() async throws {
        let fixture = try await EngineFixture()
        let first = try await fixture.issue(count: 100)
        let second = try await fixture.issue(number: 2, first: 1001, count: 100, period: .first)
        _ = try await fixture.forward(10, of: first, to: EngineFixture.holder)
        _ = try await fixture.forward(10, of: second, to: EngineFixture.holder)
        await #expect(throws: EngineError.self) {
            try await fixture.engine.hold(EngineFixture.holder, quantity: 15)
        }
        #expect(try fixture.balance(EngineFixture.holder) == 20, "a refused hold changes nothing")
        let transfer = try await fixture.engine.propose(
            .transfer(TransferOrder(from: EngineFixture.holder, to: EngineFixture.japan, quantity: 5)))
        await #expect(throws: EngineError.self) { try await fixture.engine.releaseHold(transfer.identifier) }
    }
}

/// A release asked again with its reference (the platform crashed before recording the answer) releases nothing.
@Suite struct EngineHoldReleaseReferenceTests {
    @Test("a release with a reference happens once; the answer repeats the first release")
    func releaseOnce() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        _ = try await fixture.forward(60, of: issuance, to: EngineFixture.holder)
        let hold = try await fixture.engine.hold(EngineFixture.holder, quantity: 50)
        #expect(try await fixture.engine.releaseHold(hold.transaction, quantity: 20, reference: "offer-1-after-0") == 20)
        #expect(try await fixture.engine.releaseHold(hold.transaction, quantity: 25, reference: "offer-1-after-0") == 20)
        #expect(try fixture.balance(EngineFixture.holder) == 30)
        #expect(try fixture.store.reservation(hold.transaction)?.quantity == 30)
        #expect(try await fixture.engine.releaseHold(hold.transaction, quantity: 30, reference: "offer-1-after-20") == 30)
        #expect(try await fixture.engine.releaseHold(hold.transaction, quantity: 30, reference: "offer-1-after-20") == 30)
        #expect(try fixture.balance(EngineFixture.holder) == 60)
        #expect(try fixture.store.reservation(hold.transaction) == nil)
        try fixture.expectVerified()
    }
}

/// Schema 5 keeps a cancellation's reference in an indexed column; a store written before fills it on upgrade.
@Suite struct CancellationReferenceUpgradeTests {
    @Test("a store of schema 4 finds its platform cancellations by reference after the upgrade to 5")
    func upgradeFillsReferences() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        _ = try await fixture.forward(60, of: issuance, to: EngineFixture.holder)
        let hold = try await fixture.engine.hold(EngineFixture.holder, quantity: 50)
        var sales: [String: TransactionIdentifier] = [:]
        for (reference, quantity) in [("order-1", Int64(10)), ("order/\"2\"", 5), ("ordér-3", 7)] {
            let order = HeldCancellationOrder(
                hold: hold.transaction, quantity: quantity, beneficiary: nil, purpose: nil, onBehalfOf: nil,
                reference: reference)
            sales[reference] = try await fixture.engine.propose(.cancellationOfHeld(order)).identifier
        }
        let transfer = try await fixture.engine.propose(
            .transfer(TransferOrder(from: EngineFixture.holder, to: EngineFixture.japan, quantity: 1)))
        // Back to what a schema-4 build wrote: no column, no index, no later table, version 4, no migration 5 or 6.
        try await fixture.store.pool.write { db in
            try db.execute(
                sql: """
                    DROP INDEX engine_transactions_by_reference;
                    ALTER TABLE engine_transactions DROP COLUMN reference;
                    DROP TABLE itl_messages;
                    DELETE FROM grdb_migrations WHERE identifier IN ('v5-cancellation-references', 'v6-itl-messages');
                    UPDATE meta SET value = 4 WHERE key = 'schema_version';
                    """)
        }
        let upgraded = try SQLiteRegistryStore(path: fixture.store.path)
        defer { try? upgraded.close() }
        #expect(try upgraded.schemaVersion() == StoreSchemaVersion.current)
        for (reference, identifier) in sales {
            #expect(try upgraded.cancellation(withReference: reference)?.identifier == identifier, "\(reference)")
            #expect(try upgraded.cancellation(withReference: reference)?.reference == reference)
        }
        #expect(try upgraded.cancellation(withReference: "order-4") == nil)
        #expect(try upgraded.engineTransaction(transfer.identifier)?.reference == nil)
    }
}
