import DES
import Foundation
import RegistryCore
import Testing
@testable import Simulators

/// Fault injection in the ITL's outbound path, as the gate decides it (no I/O).
@Suite("ITL fault injection")
struct ITLFaultGateTests {
    func message(_ id: String, to registry: RegistryCode = "CH") throws -> ITLOutboundMessage {
        ITLOutboundMessage(
            recipient: registry,
            request: .acceptNotification(
                AcceptNotificationRequest(
                    from: .itl, to: registry, majorVersion: 1, minorVersion: 1,
                    transactionIdentifier: try Fixture.id(id), transactionStatus: .completed, partyType: 2,
                    evaluationResult: [])))
    }

    @Test func withoutAPlanMessagesPassUnchanged() throws {
        var gate = ITLFaultGate()
        #expect(gate.admit(try message("CDM1")) == [try message("CDM1")])
    }

    @Test func dropDiscardsTheNextMessagesOnlyForThatRegistry() throws {
        var gate = ITLFaultGate()
        _ = gate.setPlan(ITLFaultPlan(dropNext: 1), for: "CH")
        #expect(gate.admit(try message("CDM1")).isEmpty)
        #expect(gate.admit(try message("CDM2", to: .cdm)) == [try message("CDM2", to: .cdm)])
        #expect(gate.admit(try message("CDM3")) == [try message("CDM3")])
    }

    @Test func duplicateSendsEachMessageTwice() throws {
        var gate = ITLFaultGate()
        _ = gate.setPlan(ITLFaultPlan(duplicate: true), for: "CH")
        #expect(gate.admit(try message("CDM1")) == [try message("CDM1"), try message("CDM1")])
    }

    @Test func reorderSendsTheLaterOfAPairFirst() throws {
        var gate = ITLFaultGate()
        _ = gate.setPlan(ITLFaultPlan(reorder: true), for: "CH")
        #expect(gate.admit(try message("CDM1")).isEmpty)
        #expect(gate.admit(try message("CDM2")) == [try message("CDM2"), try message("CDM1")])
    }

    @Test func offlineHoldsMessagesInOrderUntilOnline() throws {
        var gate = ITLFaultGate()
        _ = gate.setPlan(ITLFaultPlan(offline: true), for: "CH")
        #expect(gate.admit(try message("CDM1")).isEmpty)
        #expect(gate.admit(try message("CDM2")).isEmpty)
        #expect(gate.setPlan(.none, for: "CH") == [try message("CDM1"), try message("CDM2")])
    }

    @Test func theOutboundDeliversWhatTheGateLetsThrough() async throws {
        let delivered = AsyncStream<ITLOutboundMessage>.makeStream()
        let outbound = FaultInjectingOutbound { message, _ in delivered.continuation.yield(message) }
        outbound.setPlan(ITLFaultPlan(dropNext: 1, answerWithServerError: true), for: "CH")
        #expect(outbound.answersWithServerError(to: "CH"))
        outbound.enqueue(try message("CDM1"))
        outbound.enqueue(try message("CDM2"))
        var iterator = delivered.stream.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first == (try message("CDM2")))
    }
}
