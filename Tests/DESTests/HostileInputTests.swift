import Foundation
import Testing

@testable import DES

/// One broken or hostile message of Corpus/Hostile and the refusal it must get.
struct HostileCase: CustomTestStringConvertible, Sendable {
    let file: String
    let kind: DESError.Kind
    /// The element path named in the error (empty: no path expected).
    let path: String
    /// Text the problem statement must contain.
    let message: String

    var testDescription: String { file }
}

private let blocks = "acceptProposalRequest/proposedTransaction/proposalUnitBlocks"

@Suite("Hostile and broken messages are refused precisely, never crash or hang")
struct HostileInputTests {
    static let cases: [HostileCase] = [
        HostileCase(file: "truncated.xml", kind: .malformedXML, path: "", message: "not well-formed XML at line 1"),
        HostileCase(
            file: "wrong-namespace.xml", kind: .wrongNamespace, path: "acceptProposal",
            message: "urn:KyotoProtocol:RegistrySystem:ITL:9.9:0.0"),
        HostileCase(
            file: "wrong-type.xml", kind: .invalidValue, path: "\(blocks)/item[2]/unitSerialBlockStart",
            message: "'12x' is not a long"),
        HostileCase(
            file: "missing-element.xml", kind: .missingElement,
            path: "acceptProposalRequest/proposedTransaction/transactionType", message: "required element is missing"),
        HostileCase(
            file: "unknown-operation.xml", kind: .unknownOperation, path: "",
            message: "'transferEverything' is not a DES operation"),
        HostileCase(file: "xxe-file.xml", kind: .doctypeRefused, path: "", message: "DOCTYPE"),
        HostileCase(file: "xxe-http.xml", kind: .doctypeRefused, path: "", message: "DOCTYPE"),
        HostileCase(file: "billion-laughs.xml", kind: .doctypeRefused, path: "", message: "DOCTYPE"),
        HostileCase(file: "undeclared-entity.xml", kind: .malformedXML, path: "", message: "xxe"),
        HostileCase(file: "invalid-utf8.xml", kind: .malformedXML, path: "", message: "UTF-8"),
        HostileCase(
            file: "href-cycle.xml", kind: .invalidReference,
            path: "acceptProposalRequest/proposedTransaction/proposalUnitBlocks", message: "cycle"),
        HostileCase(
            file: "dangling-href.xml", kind: .invalidReference, path: "acceptProposalRequest/proposedTransaction",
            message: "no element with id 'id9'"),
        HostileCase(
            file: "int64-overflow.xml", kind: .invalidValue, path: "\(blocks)/item[1]/unitSerialBlockEnd",
            message: "'9223372036854775808' is not a long (out of range)"),
        HostileCase(
            file: "int-out-of-range.xml", kind: .invalidValue, path: "acceptProposalRequest/majorVersion",
            message: "'2147483648' is not an int"),
        HostileCase(
            file: "serial-start-after-end.xml", kind: .invalidDomainValue, path: "\(blocks)/item[2]/unitSerialBlockEnd",
            message: "serial block start 2000001 is after its end 1999999"),
        HostileCase(
            file: "negative-serial.xml", kind: .invalidDomainValue, path: "\(blocks)/item[1]/unitSerialBlockStart",
            message: "serial number -5 is not positive"),
        HostileCase(
            file: "unknown-unit-type.xml", kind: .invalidDomainValue, path: "\(blocks)/item[1]/unitType",
            message: "9 is not a unit type"),
        HostileCase(
            file: "bad-registry-code.xml", kind: .invalidDomainValue,
            path: "acceptProposalRequest/proposedTransaction/acquiringRegistryCode", message: "'jp1'"),
        HostileCase(
            file: "unexpected-element.xml", kind: .unexpectedElement, path: "acceptProposalRequest/bonusUnits",
            message: "not part of this structure"),
        HostileCase(
            file: "duplicate-element.xml", kind: .unexpectedElement, path: "acceptProposalRequest/from",
            message: "more than once"),
        HostileCase(
            file: "must-understand-header.xml", kind: .mustUnderstand, path: "Envelope/Header", message: "{urn:x}auth"),
        HostileCase(file: "soap12-envelope.xml", kind: .envelopeVersion, path: "", message: "not SOAP 1.1"),
        HostileCase(file: "not-soap.xml", kind: .invalidEnvelope, path: "", message: "'html' is not a SOAP Envelope"),
        HostileCase(file: "empty.xml", kind: .malformedXML, path: "", message: "not well-formed XML"),
    ]

    @Test("each corpus message gets its expected refusal", arguments: cases)
    func corpusMessage(_ hostile: HostileCase) throws {
        let bytes = try DESSamples.corpusFile("Hostile/\(hostile.file)")
        let error = #expect(throws: DESError.self) { try DESCodec.decodeRequest(bytes, soapAction: nil) }
        #expect(error?.kind == hostile.kind, "\(error?.description ?? "")")
        #expect(error?.pathText == hostile.path, "\(error?.description ?? "")")
        #expect(error?.message.contains(hostile.message) == true, "\(error?.description ?? "")")
        if let error {
            #expect(
                error.fault.code
                    == (hostile.kind == .envelopeVersion
                        ? .versionMismatch : hostile.kind == .mustUnderstand ? .mustUnderstand : .client))
        }
    }

    @Test("every file of Corpus/Hostile has an expectation")
    func corpusIsCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(
            atPath: DESSamples.corpus.appendingPathComponent("Hostile").path)
        #expect(Set(files) == Set(Self.cases.map(\.file)))
    }

    @Test("a 100 MB body is refused by the size limit before any parsing")
    func oversizedBody() {
        let bytes = [UInt8](repeating: UInt8(ascii: "A"), count: 100 * 1024 * 1024)
        let error = #expect(throws: DESError.self) { try DESCodec.decodeRequest(bytes, soapAction: nil) }
        #expect(error?.kind == .limitExceeded)
        #expect(error?.message == "message of 104857600 bytes exceeds the limit of 16777216 bytes")
    }

    static func proposal(blocksXML: String) -> [UInt8] {
        let text = """
            <SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>\
            <ns:acceptProposal xmlns:ns="urn:KyotoProtocol:RegistrySystem:ITL:1.0:0.0"><acceptProposalRequest>\
            <from>CDM</from><to>ITL</to><majorVersion>1</majorVersion><minorVersion>1</minorVersion>\
            <proposedTransaction><transactionIdentifier>CDM1</transactionIdentifier>\
            <transactionType>3</transactionType>\
            <transferringRegistryCode>CDM</transferringRegistryCode><acquiringRegistryCode>JP</acquiringRegistryCode>\
            \(blocksXML)</proposedTransaction></acceptProposalRequest></ns:acceptProposal>\
            </SOAP-ENV:Body></SOAP-ENV:Envelope>
            """
        return Array(text.utf8)
    }

    @Test("10,000-deep nesting is refused at the depth limit")
    func deepNesting() {
        let deep = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        let error = #expect(throws: DESError.self) {
            try DESCodec.decodeRequest(
                Self.proposal(blocksXML: "<proposalUnitBlocks>\(deep)</proposalUnitBlocks>"), soapAction: nil)
        }
        #expect(error?.kind == .limitExceeded)
        #expect(error?.message.contains("deeper than 64 levels (limit maxDepth)") == true)
    }

    @Test("an array of 10^6 elements is refused at the array limit")
    func hugeArray() {
        let items = String(repeating: "<item/>", count: 1_000_000)
        let error = #expect(throws: DESError.self) {
            try DESCodec.decodeRequest(
                Self.proposal(blocksXML: "<proposalUnitBlocks>\(items)</proposalUnitBlocks>"), soapAction: nil)
        }
        #expect(error?.kind == .limitExceeded)
        #expect(error?.message == "more than 100000 child elements (limit maxArrayItems)")
        #expect(
            error?.pathText
                == "Envelope/Body/acceptProposal/acceptProposalRequest/proposedTransaction/proposalUnitBlocks")
    }

    @Test("the element-count limit holds, and shared multi-references cannot amplify work past it")
    func elementBudget() {
        let limits = DESDecoderLimits(maxElements: 5_000)
        let items = String(repeating: "<item/>", count: 6_000)
        let many = #expect(throws: DESError.self) {
            try DESCodec.decodeRequest(
                Self.proposal(blocksXML: "<proposalUnitBlocks>\(items)</proposalUnitBlocks>"), soapAction: nil,
                limits: limits)
        }
        #expect(many?.message.contains("limit maxElements") == true)
        let text = """
            <SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>\
            <ns:acceptProposal xmlns:ns="urn:KyotoProtocol:RegistrySystem:ITL:1.0:0.0"><acceptProposalRequest>\
            <from>CDM</from><to>ITL</to><majorVersion>1</majorVersion><minorVersion>1</minorVersion>\
            <proposedTransaction><transactionIdentifier>CDM1</transactionIdentifier>\
            <transactionType>3</transactionType>\
            <transferringRegistryCode>CDM</transferringRegistryCode><acquiringRegistryCode>JP</acquiringRegistryCode>\
            <proposalUnitBlocks href="#array"/></proposedTransaction></acceptProposalRequest></ns:acceptProposal>\
            <a id="array">\(String(repeating: "<item href=\"#b\"/>", count: 1_000))</a>\
            <b id="b"><unitSerialBlockStart>1</unitSerialBlockStart><unitSerialBlockEnd>2</unitSerialBlockEnd>\
            <originatingRegistryCode>CDM</originatingRegistryCode><unitType>5</unitType>\
            <originalCommitPeriod>2</originalCommitPeriod><applicableCommitPeriod>2</applicableCommitPeriod></b>\
            </SOAP-ENV:Body></SOAP-ENV:Envelope>
            """
        let bytes = Array(text.utf8)
        let amplified = #expect(throws: DESError.self) {
            try DESCodec.decodeRequest(bytes, soapAction: nil, limits: limits)
        }
        #expect(amplified?.kind == .limitExceeded, "\(amplified?.description ?? "")")
        #expect(amplified?.message.contains("values decoded") == true, "\(amplified?.description ?? "")")
        // The same shared structure within the default budget decodes: 1,000 equal blocks.
        let decoded = try? DESCodec.decodeRequest(bytes, soapAction: nil)
        if case .acceptProposal(let proposal) = decoded {
            #expect(proposal.proposedTransaction.proposalUnitBlocks.count == 1_000)
        } else {
            Issue.record("the shared-reference proposal did not decode under default limits")
        }
    }

    @Test("decoding from several threads at once gives the same results")
    func concurrentDecoding() async throws {
        let bytes = DESCodec.encode(try DESSamples.proposal(full: true, blocks: 200))
        let broken = try DESSamples.corpusFile("Hostile/wrong-type.xml")
        let expected = try DESSamples.proposal(full: true, blocks: 200)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<16 {
                group.addTask {
                    if index % 2 == 0 {
                        return (try DESCodec.decodeRequest(bytes, soapAction: nil)) == .acceptProposal(expected)
                    }
                    do {
                        _ = try DESCodec.decodeRequest(broken, soapAction: nil)
                        return false
                    } catch let error as DESError { return error.kind == .invalidValue }
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }
}
