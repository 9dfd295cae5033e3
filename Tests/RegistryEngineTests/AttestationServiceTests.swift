import Foundation
import Testing

@testable import RegistryAttestation
@testable import RegistryCore
@testable import RegistryDaemon
@testable import RegistryEngine
@testable import RegistryStore

/// Attestations issued from the ledger and checked against it (the signature alone is RegistryAttestationTests').
@Suite struct AttestationServiceTests {
    /// A completed voluntary cancellation of `quantity` units from the holder.
    private func cancel(_ fixture: EngineFixture, _ quantity: Int64, beneficiary: String) async throws
        -> TransactionIdentifier
    {
        let cancellation = try await fixture.engine.propose(
            .cancellation(
                CancellationOrder(
                    sources: [EngineFixture.holder], to: EngineFixture.voluntary, quantity: quantity,
                    beneficiary: beneficiary, purpose: "2025 emissions")))
        await fixture.sender.deliverDue()
        try await fixture.notify(cancellation.identifier, .checkedNoDiscrepancy)
        return cancellation.identifier
    }

    private func service(_ fixture: EngineFixture, key: AttestationSigningKey?) -> AttestationService {
        AttestationService(
            store: fixture.store, signingKey: key, previousKeys: [], registryName: "CDM Registry",
            clock: fixture.clock, logger: .init(label: "test"))
    }

    @Test("one attestation per cancellation, numbered in order, with the ledger's blocks; it verifies")
    func issueAndVerify() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        _ = try await fixture.forward(60, of: issuance, to: EngineFixture.holder)
        let first = try await cancel(fixture, 20, beneficiary: "Town of Example")
        let key = AttestationSigningKey.generate(.ed25519)
        let attestations = service(fixture, key: key)
        let record = try #require(try await attestations.issue(for: first))
        #expect(record.number == "CDM-VC-2022-000001")
        #expect(try await attestations.issue(for: first) == record, "asking again returns the same attestation")
        let attestation = try await attestations.verify(Array(record.document.utf8))
        #expect(attestation.quantity == 20 && attestation.beneficiary == "Town of Example")
        #expect(attestation.project.title == "Andes Wind")
        #expect(attestation.blocks.map(\.quantity).reduce(0, +) == 20)

        let transfer = try await fixture.engine.propose(
            .transfer(TransferOrder(from: EngineFixture.holder, to: EngineFixture.japan, quantity: 5)))
        #expect(try await attestations.issue(for: transfer.identifier) == nil, "not a voluntary cancellation")
    }

    @Test("a changed byte, another key's signature or a document the registry did not issue is refused")
    func refusals() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        _ = try await fixture.forward(60, of: issuance, to: EngineFixture.holder)
        let id = try await cancel(fixture, 20, beneficiary: "Town of Example")
        let key = AttestationSigningKey.generate(.ed25519)
        let attestations = service(fixture, key: key)
        let record = try #require(try await attestations.issue(for: id))
        var changed = Array(record.document.utf8)
        let position = try #require(changed.firstIndex(of: UInt8(ascii: "T")))
        changed[position] = UInt8(ascii: "t")
        await #expect(throws: AttestationService.Failure.self) { try await attestations.verify(changed) }

        // Signed by a key the registry does not know.
        let stranger = try AttestationDocument.render(
            try AttestationDocument.verify(Array(record.document.utf8), keys: [key.verificationKey]),
            signedWith: AttestationSigningKey.generate(.ed25519))
        await #expect(throws: AttestationService.Failure.self) { try await attestations.verify(Array(stranger.utf8)) }

        // Signed with the registry's key but never issued (a forged quantity re-signed by a stolen key is out of
        // scope; a document re-rendered later with the same facts is still not the one issued).
        fixture.clock.advance(by: .seconds(60))
        let copy = try AttestationDocument.render(
            try AttestationDocument.verify(Array(record.document.utf8), keys: [key.verificationKey]),
            signedWith: key)
        if copy != record.document {
            await #expect(throws: AttestationService.Failure.self) { try await attestations.verify(Array(copy.utf8)) }
        }
    }

    @Test("without a key nothing is issued; with one, start-up catches up on what completed meanwhile")
    func catchUp() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        _ = try await fixture.forward(60, of: issuance, to: EngineFixture.holder)
        let first = try await cancel(fixture, 10, beneficiary: "A")
        let second = try await cancel(fixture, 15, beneficiary: "B")
        let keyless = service(fixture, key: nil)
        #expect(await keyless.catchUp() == 0)
        await #expect(throws: AttestationService.Failure.self) { try await keyless.issue(for: first) }
        let attestations = service(fixture, key: .generate(.p256))
        #expect(await attestations.catchUp() == 2)
        #expect(try fixture.store.attestation(forTransaction: first)?.sequence == 1)
        #expect(try fixture.store.attestation(forTransaction: second)?.sequence == 2)
        #expect(await attestations.catchUp() == 0)
    }
}
