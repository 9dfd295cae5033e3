import Foundation
import RegistryCore
import Testing

@testable import DES

@Suite("Every DES message survives encode then decode")
struct RoundTripTests {
    @Test("each request type decodes to the value it was encoded from", arguments: [true, false])
    func requestsRoundTrip(full: Bool) throws {
        for request in try DESSamples.requests(full: full) {
            let decoded = try roundTrip(request)
            let same = isEqual(decoded, request)
            #expect(same, "\(type(of: request)) full=\(full)")
        }
    }

    @Test("each response type decodes to the value it was encoded from", arguments: [true, false])
    func responsesRoundTrip(full: Bool) throws {
        for response in try DESSamples.responses(full: full) {
            let decoded = try roundTrip(response)
            let same = isEqual(decoded, response)
            #expect(same, "\(type(of: response)) full=\(full)")
        }
    }

    @Test("the samples cover every operation's request and response")
    func samplesCoverEveryOperation() throws {
        let requestOperations = Set(try DESSamples.requests(full: true).map { type(of: $0).operation })
        let responseOperations = Set(try DESSamples.responses(full: true).map { type(of: $0).operation })
        #expect(requestOperations == Set(DESOperation.allCases))
        #expect(responseOperations == Set(DESOperation.allCases))
        #expect(DESService.registry.operations.count == 10)
        #expect(DESService.transactionLog.operations.count == 11)
    }

    @Test("a request arriving with its SOAPAction decodes into the matching DESRequest case")
    func decodeRequestBySOAPAction() throws {
        for request in try DESSamples.requests(full: true) {
            let operation = type(of: request).operation
            let bytes = encodeAny(request)
            let decoded = try DESCodec.decodeRequest(bytes, soapAction: operation.soapActionHeader)
            #expect(decoded.operation == operation)
            let same = isEqual(request, decoded.message)
            #expect(same)
            // SOAPAction "" (or none): the body entry names the operation.
            #expect(try DESCodec.decodeRequest(bytes, soapAction: "\"\"").operation == operation)
            #expect(try DESCodec.decodeRequest(bytes, soapAction: nil).operation == operation)
        }
    }

    @Test("a reply decodes into the matching DESResponse case")
    func decodeReplyByOperation() throws {
        for response in try DESSamples.responses(full: true) {
            let operation = type(of: response).operation
            let reply = try DESCodec.decodeReply(encodeAny(response), operation: operation)
            guard case .response(let decoded) = reply else {
                Issue.record("\(operation): not a response")
                continue
            }
            #expect(decoded.operation == operation)
            let same = isEqual(response, decoded.message)
            #expect(same)
        }
    }

    @Test("a SOAPAction that contradicts the body entry, or names no operation, is refused")
    func soapActionMismatch() throws {
        let bytes = DESCodec.encode(try DESSamples.proposal(full: false))
        #expect(throws: DESError.self) { try DESCodec.decodeRequest(bytes, soapAction: "\"acceptNotification\"") }
        let unknown = #expect(throws: DESError.self) { try DESCodec.decodeRequest(bytes, soapAction: "\"steal\"") }
        #expect(unknown?.kind == .unknownOperation)
        #expect(
            try DESCodec.decodeRequest(bytes, soapAction: "acceptProposal", service: .registry).operation
                == .acceptProposal)
        let notServed = #expect(throws: DESError.self) {
            try DESCodec.decodeRequest(
                encodeAny(try DESSamples.requests(full: false)[12]), soapAction: nil, service: .registry)
        }
        #expect(notServed?.kind == .unknownOperation)
    }

    @Test("the envelope follows the rpc/encoded binding: service namespace, unqualified parts, xsi:type, arrays")
    func encodingShape() throws {
        let text = String(decoding: DESCodec.encode(try DESSamples.proposal(full: true)), as: UTF8.self)
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"))
        #expect(text.contains("<ns:acceptProposal xmlns:ns=\"urn:KyotoProtocol:RegistrySystem:ITL:1.0:0.0\">"))
        #expect(
            text.contains(
                "<acceptProposalRequest xsi:type=\"des:ProposalRequest\"><from xsi:type=\"xsd:string\">CDM</from>"))
        #expect(
            text.contains(
                "<proposalUnitBlocks xsi:type=\"des:ArrayOfTransactionUnitBlock\""
                    + " SOAP-ENC:arrayType=\"des:TransactionUnitBlock[2]\"><item xsi:type=\"des:TransactionUnitBlock\">"
            ))
        #expect(text.contains("<unitSerialBlockStart xsi:type=\"xsd:long\">1</unitSerialBlockStart>"))
        #expect(text.contains("<blockRole xsi:type=\"xsd:string\">T &amp; &lt;role&gt;</blockRole>"))
        #expect(text.contains("<expiryDate xsi:type=\"xsd:date\">2030-12-31</expiryDate>"))
        #expect(
            text.contains("<installationIdentifier xsi:type=\"xsd:long\">9223372036854775807</installationIdentifier>"))
        #expect(DESOperation.acceptProposal.soapActionHeader == "\"acceptProposal\"")
        let response = String(
            decoding: DESCodec.encode(AcceptProposalResponse(result: .refused([.unsupportedVersion]))), as: UTF8.self)
        #expect(
            response.contains("<ns:acceptProposalResponse xmlns:ns=\"urn:KyotoProtocol:RegistrySystem:ITL:1.0:0.0\">"))
        #expect(
            response.contains(
                "<responseCodes xsi:type=\"des:ArrayOfInt\" SOAP-ENC:arrayType=\"xsd:int[1]\">"
                    + "<item xsi:type=\"xsd:int\">1001</item>"
            ))
    }

    @Test("dateTime is written in UTC with milliseconds only when present, and offsets are applied when read")
    func dateTimeConventions() throws {
        var output: [UInt8] = []
        DESSamples.when.writeDES(into: &output)
        #expect(String(decoding: output, as: UTF8.self) == "2025-11-28T06:13:30.123Z")
        output = []
        DESSamples.later.writeDES(into: &output)
        #expect(String(decoding: output, as: UTF8.self) == "2025-11-29T07:06:40Z")
        let offset = try Date.parseDES(ArraySlice("2025-11-28T08:13:30.123+02:00".utf8))
        #expect(offset == DESSamples.when)
        #expect(try Date.parseDES(ArraySlice(" 2025-11-29T07:06:40 ".utf8)) == DESSamples.later)
        for bad in [
            "2025-02-29T00:00:00Z", "2025-11-28 06:13:30Z", "2025-11-28T24:00:00Z", "2025-11-28T06:13:30.Z", "",
        ] {
            #expect(throws: DESError.self, "\(bad)") { try Date.parseDES(ArraySlice(bad.utf8)) }
        }
    }

    @Test("a SOAP Fault round-trips, and DESError maps to faultcode Client with the path in faultstring")
    func faults() throws {
        let error = DESError(.invalidValue, "'12x' is not a long", path: ["a", "item[2]", "b"])
        #expect(error.fault.code == .client)
        #expect(error.fault.string == "a/item[2]/b: '12x' is not a long")
        #expect(DESError(.envelopeVersion, "x").fault.code == .versionMismatch)
        let fault = DESFault(code: .server, string: "database <down> & out", actor: "urn:cdm", detail: "retry later")
        let reply = try DESCodec.decodeReply(DESCodec.encode(fault), operation: .acceptProposal)
        #expect(reply == .fault(fault))
        let clientFault = try DESCodec.decodeReply(DESCodec.encode(error.fault), operation: .provideTime)
        #expect(clientFault == .fault(DESFault(code: .client, string: error.description)))
        #expect(throws: DESFault.self) {
            try DESCodec.decodeResponse(DESCodec.encode(fault), operation: .acceptProposal)
        }
        let text = String(decoding: DESCodec.encode(error.fault), as: UTF8.self)
        #expect(
            text.contains(
                "<SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode>"
                    + "<faultstring>a/item[2]/b: '12x' is not a long</faultstring></SOAP-ENV:Fault>"
            ))
    }
}

/// Encodes any message through its concrete type.
func encodeAny(_ message: any DESMessage) -> [UInt8] {
    func encode<M: DESMessage>(_ message: M) -> [UInt8] { DESCodec.encode(message) }
    return encode(message)
}

func encodeStandaloneAny(_ message: any DESMessage) -> [UInt8] {
    func encode<M: DESMessage>(_ message: M) -> [UInt8] { DESCodec.encodeStandalonePart(message) }
    return encode(message)
}
