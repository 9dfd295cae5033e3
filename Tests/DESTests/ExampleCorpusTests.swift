import Foundation
import RegistryCore
import Testing

@testable import DES

@Suite("The DES example messages decode to exactly their values")
struct ExampleCorpusTests {
    static func expectedProposal() throws -> AcceptProposalRequest {
        func block(_ start: Int64, _ end: Int64) throws -> DESTransactionUnitBlock {
            DESTransactionUnitBlock(
                block: UnitBlock(
                    range: try SerialRange(start, end),
                    attributes: UnitAttributes(
                        originatingRegistry: .cdm, unitType: .cer, originalCommitmentPeriod: .second,
                        applicableCommitmentPeriod: .second, project: 1234)))
        }
        return AcceptProposalRequest(
            from: .cdm, to: .itl, majorVersion: 1, minorVersion: 1,
            proposedTransaction: DESProposalTransaction(
                transactionIdentifier: try TransactionIdentifier("CDM1000001"), transactionType: .externalTransfer,
                transferringRegistryCode: .cdm, transferringRegistryAccountType: .pending,
                transferringRegistryAccountIdentifier: 1, acquiringRegistryCode: "JP",
                acquiringRegistryAccountType: .partyHolding, acquiringRegistryAccountIdentifier: 1234,
                proposalUnitBlocks: [try block(1_000_001, 1_001_000), try block(2_000_001, 2_000_500)]))
    }

    @Test("acceptProposal.inline.xml", arguments: ["acceptProposal.inline.xml", "acceptProposal.multiref.xml"])
    func proposal(file: String) throws {
        let bytes = try DESSamples.corpusFile("Examples/\(file)")
        let request = try DESCodec.decodeRequest(bytes, soapAction: "\"acceptProposal\"", service: .transactionLog)
        guard case .acceptProposal(let proposal) = request else {
            Issue.record("decoded \(request.operation), not acceptProposal")
            return
        }
        #expect(proposal == (try Self.expectedProposal()))
        #expect(proposal.proposedTransaction.proposalUnitBlocks.map(\.block.quantity) == [1000, 500])
    }

    @Test("acceptNotification.inline.xml")
    func notification() throws {
        let bytes = try DESSamples.corpusFile("Examples/acceptNotification.inline.xml")
        let request = try DESCodec.decodeRequest(bytes, soapAction: "acceptNotification", service: .registry)
        let expected = AcceptNotificationRequest(
            from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1,
            transactionIdentifier: try TransactionIdentifier("CDM1000001"), transactionStatus: .rejected, partyType: 1,
            evaluationResult: [DESEvaluationResult(responseCode: .accountDoesNotExist)])
        #expect(request == .acceptNotification(expected))
    }

    @Test("acceptProposalResponse.xml")
    func response() throws {
        let bytes = try DESSamples.corpusFile("Examples/acceptProposalResponse.xml")
        let reply = try DESCodec.decodeReply(bytes, operation: .acceptProposal)
        #expect(reply == .response(.acceptProposal(AcceptProposalResponse(result: .received))))
    }

    @Test("whitespace, comments, CDATA, other prefixes and no xsi:type at all are accepted")
    func lenientButConformingSyntax() throws {
        let text = """
            <?xml version="1.0"?>
            <!-- a comment before the envelope -->
            <e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/">
              <e:Header><x:trace xmlns:x="urn:example">not mandatory</x:trace></e:Header>
              <e:Body>
                <op:acceptNotification xmlns:op="urn:KyotoProtocol:RegistrySystem:ITL:1.0:0.0">
                  <acceptNotificationRequest>
                    <from>ITL</from> <!-- comment -->
                    <to><![CDATA[CDM]]></to>
                    <majorVersion> 1 </majorVersion>
                    <minorVersion>+1</minorVersion>
                    <transactionIdentifier>CDM1000001</transactionIdentifier>
                    <transactionStatus>6</transactionStatus>
                    <partyType>1</partyType>
                    <evaluationResult>
                      <result><responseCode>5902</responseCode></result>
                    </evaluationResult>
                  </acceptNotificationRequest>
                </op:acceptNotification>
              </e:Body>
            </e:Envelope>
            """
        let request = try DESCodec.decodeRequest(Array(text.utf8), soapAction: nil)
        guard case .acceptNotification(let notification) = request else {
            Issue.record("not a notification")
            return
        }
        #expect(notification.to == .cdm)
        #expect(notification.minorVersion == 1)
        #expect(notification.evaluationResult == [DESEvaluationResult(responseCode: .accountDoesNotExist)])
    }
}
