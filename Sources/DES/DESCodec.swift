/// Encodes and decodes DES messages as SOAP 1.1 rpc/encoded envelopes (registry.wsdl, transactionlog.wsdl).
///
/// Encoding follows the WSDL bindings exactly (docs/PROTOCOL.md); decoding accepts what any conforming SOAP 1.1
/// peer may send (inline or multi-reference values, any prefixes, with or without `xsi:type`) and refuses the rest
/// with a `DESError` that becomes a SOAP Fault.
public enum DESCodec {
    // MARK: Encoding

    static let envelopeStart = Array(
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"\(DESNamespace.soapEnvelope)\""
            + " xmlns:SOAP-ENC=\"\(DESNamespace.soapEncoding)\" xmlns:xsi=\"\(DESNamespace.xmlSchemaInstance)\""
            + " xmlns:xsd=\"\(DESNamespace.xmlSchema)\" xmlns:des=\"\(DESNamespace.types)\""
            + " SOAP-ENV:encodingStyle=\"\(DESNamespace.soapEncoding)\"><SOAP-ENV:Body>").utf8)
    static let envelopeEnd = Array("</SOAP-ENV:Body></SOAP-ENV:Envelope>".utf8)

    /// The whole envelope of a request or response, ready to POST (with `operation.soapActionHeader`) or return.
    public static func encode<M: DESMessage>(_ message: M) -> [UInt8] {
        var writer = DESStructWriter(output: envelopeStart)
        writer.output.reserveCapacity(1024)
        writer.append("<ns:\(M.entryName) xmlns:ns=\"\(DESNamespace.service)\">")
        writer.structure(M.partName, message)
        writer.append("</ns:\(M.entryName)>")
        writer.output.append(contentsOf: envelopeEnd)
        return writer.output
    }

    /// The message part alone as a document (namespace declarations on the part), for XSD validation.
    public static func encodeStandalonePart<M: DESMessage>(_ message: M) -> [UInt8] {
        var writer = DESStructWriter(output: Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".utf8))
        writer.startTag(M.partName, type: "des:" + M.xsiType)
        writer.append(
            " xmlns:SOAP-ENC=\"\(DESNamespace.soapEncoding)\" xmlns:xsi=\"\(DESNamespace.xmlSchemaInstance)\""
                + " xmlns:xsd=\"\(DESNamespace.xmlSchema)\" xmlns:des=\"\(DESNamespace.types)\">")
        message.encode(to: &writer)
        writer.endTag(M.partName)
        return writer.output
    }

    /// A SOAP 1.1 Fault envelope (sent with HTTP status 500, SOAP 1.1 section 6.2).
    public static func encode(_ fault: DESFault) -> [UInt8] {
        var writer = DESStructWriter(output: envelopeStart)
        writer.append("<SOAP-ENV:Fault><faultcode>")
        DESLexical.appendEscaped(fault.code.description, into: &writer.output)
        writer.append("</faultcode><faultstring>")
        DESLexical.appendEscaped(fault.string, into: &writer.output)
        writer.append("</faultstring>")
        if let actor = fault.actor {
            writer.append("<faultactor>")
            DESLexical.appendEscaped(actor, into: &writer.output)
            writer.append("</faultactor>")
        }
        if let detail = fault.detail {
            writer.append("<detail>")
            DESLexical.appendEscaped(detail, into: &writer.output)
            writer.append("</detail>")
        }
        writer.append("</SOAP-ENV:Fault>")
        writer.output.append(contentsOf: envelopeEnd)
        return writer.output
    }

    // MARK: Decoding

    /// Decodes whatever request arrived, by its SOAPAction header (nil or empty: by the body entry) and body.
    ///
    /// With `service`, operations of the other WSDL are refused as unknown (the ITL's `receiveTotals` is not an
    /// operation of a registry).
    public static func decodeRequest(
        _ bytes: [UInt8], soapAction: String?, service: DESService? = nil, limits: DESDecoderLimits = .standard
    ) throws(DESError) -> DESRequest {
        let (document, entry) = try parseBody(bytes, limits: limits)
        guard entry.isFault == false else {
            throw DESError(.invalidEnvelope, "a SOAP Fault where a request was expected")
        }
        let name = document.name(entry.node)
        let action = soapAction.flatMap(DESOperation.named(soapAction:))
        guard let operation = DESOperation(rawValue: action ?? name) else {
            throw DESError(
                .unknownOperation,
                action != nil
                    ? "SOAPAction '\(action ?? "")' names no DES operation" : "'\(name)' is not a DES operation")
        }
        if let service, !operation.services.contains(service) {
            throw DESError(.unknownOperation, "'\(operation)' is not an operation of the \(service.rawValue) service")
        }
        try checkEntry(document, entry.node, expected: operation.requestElementName)
        let part = try partElement(document, entry.node, partName: operation.requestPartName)
        return try DESRequest.decode(operation, document, part: part)
    }

    /// Decodes the reply to a request of `operation`: its response, or the SOAP Fault the peer sent instead.
    public static func decodeReply(
        _ bytes: [UInt8], operation: DESOperation, limits: DESDecoderLimits = .standard
    ) throws(DESError) -> DESReply {
        let (document, entry) = try parseBody(bytes, limits: limits)
        if entry.isFault { return .fault(try decodeFault(document, entry.node)) }
        try checkEntry(document, entry.node, expected: operation.responseElementName)
        let part = try partElement(document, entry.node, partName: operation.responsePartName)
        return .response(try DESResponse.decode(operation, document, part: part))
    }

    /// Like `decodeReply`, but a fault is thrown as `DESFault`; malformed replies throw `DESError`.
    public static func decodeResponse(
        _ bytes: [UInt8], operation: DESOperation, limits: DESDecoderLimits = .standard
    ) throws -> DESResponse {
        switch try decodeReply(bytes, operation: operation, limits: limits) {
        case .response(let response): return response
        case .fault(let fault): throw fault
        }
    }

    /// Decodes one known message type (the body entry must be that message's).
    public static func decode<M: DESMessage>(
        _ type: M.Type, from bytes: [UInt8], limits: DESDecoderLimits = .standard
    ) throws(DESError) -> M {
        let (document, entry) = try parseBody(bytes, limits: limits)
        guard !entry.isFault else {
            let fault = try decodeFault(document, entry.node)
            throw DESError(.invalidEnvelope, "a SOAP Fault where \(M.partName) was expected: \(fault.string)")
        }
        try checkEntry(document, entry.node, expected: M.entryName)
        let part = try partElement(document, entry.node, partName: M.partName)
        return try decodePart(M.self, document, part)
    }

    // MARK: Envelope structure

    static func parseBody(
        _ bytes: [UInt8], limits: DESDecoderLimits
    ) throws(DESError) -> (SOAPDocument, (node: Int32, isFault: Bool)) {
        let parsed = bytes.withUnsafeBytes { raw in
            Result { () throws(DESError) -> SOAPDocument in try SOAPDocument.parse(raw, limits: limits) }
        }
        let document = try parsed.get()
        let envelope = document.root
        guard document.name(envelope) == "Envelope" else {
            throw DESError(.invalidEnvelope, "root element '\(document.name(envelope))' is not a SOAP Envelope")
        }
        guard document.namespace(envelope) == DESNamespace.soapEnvelope else {
            throw DESError(
                .envelopeVersion,
                "Envelope namespace '\(document.namespace(envelope))' is not SOAP 1.1 (\(DESNamespace.soapEnvelope))")
        }
        var body: Int32 = -1
        for child in document.children(envelope) {
            let name = document.name(child)
            guard document.namespace(child) == DESNamespace.soapEnvelope else {
                throw DESError(.invalidEnvelope, "unexpected element '\(name)' in the Envelope", path: ["Envelope"])
            }
            if name == "Header", body < 0 {
                for entry in document.children(child) where document.has(entry, flag: SOAPDocument.flagMustUnderstand) {
                    throw DESError(
                        .mustUnderstand,
                        "header entry '{\(document.namespace(entry))}\(document.name(entry))' must be understood,"
                            + " and this endpoint understands no header entries", path: ["Envelope", "Header"])
                }
            } else if name == "Body", body < 0 {
                body = child
            } else {
                throw DESError(.invalidEnvelope, "unexpected element '\(name)' in the Envelope", path: ["Envelope"])
            }
        }
        guard body >= 0 else { throw DESError(.invalidEnvelope, "the Envelope has no Body", path: ["Envelope"]) }
        // Body entries are the children that are not independent multi-reference values (SOAP 1.1 section 5.2:
        // those carry an id, and Axis marks them SOAP-ENC:root="0").
        let entries = document.children(body).filter {
            !document.has($0, flag: SOAPDocument.flagNotRoot) && document.nodes[Int($0)].idStart < 0
        }
        guard let entry = entries.first else {
            throw DESError(.invalidEnvelope, "the Body has no entry", path: ["Envelope", "Body"])
        }
        guard entries.count == 1 else {
            throw DESError(
                .invalidEnvelope, "the Body has \(entries.count) entries; rpc style has exactly one",
                path: ["Envelope", "Body"])
        }
        let isFault = document.name(entry) == "Fault" && document.namespace(entry) == DESNamespace.soapEnvelope
        return (document, (entry, isFault))
    }

    static func checkEntry(_ document: SOAPDocument, _ entry: Int32, expected: String) throws(DESError) {
        let name = document.name(entry)
        guard name == expected else {
            throw DESError(
                .unexpectedElement, "body entry '\(name)' where '\(expected)' was expected", path: ["Envelope", "Body"])
        }
        guard document.namespace(entry) == DESNamespace.service else {
            let namespace = document.namespace(entry)
            throw DESError(
                .wrongNamespace,
                "operation element is in namespace '\(namespace.isEmpty ? "(none)" : namespace)', not the service"
                    + " namespace \(DESNamespace.service)", path: [name])
        }
    }

    static func partElement(_ document: SOAPDocument, _ entry: Int32, partName: String) throws(DESError) -> Int32 {
        let entryName = document.name(entry)
        var part: Int32 = -1
        for child in document.children(entry) {
            let name = document.name(child)
            guard name == partName, part < 0 else {
                throw DESError(.unexpectedElement, "element is not a part of this message", path: [entryName, name])
            }
            guard document.nodes[Int(child)].namespace == 0 else {
                throw DESError(
                    .wrongNamespace, "part is in namespace '\(document.namespace(child))'; rpc parts are unqualified",
                    path: [entryName, name])
            }
            part = child
        }
        guard part >= 0 else {
            throw DESError(.missingElement, "required part is missing", path: [entryName, partName])
        }
        return part
    }

    static func decodePart<M: DESMessage>(_ type: M.Type, _ document: SOAPDocument, _ part: Int32) throws(DESError) -> M
    {
        do throws(DESError) {
            let target = try document.resolve(part)
            guard !document.has(target, flag: SOAPDocument.flagNil) else {
                throw DESError(.missingElement, "the message part is nil")
            }
            return try DESStructReader.structure(document, target, viaReference: target != part, as: M.self)
        } catch { throw error.within(M.partName) }
    }

    static func decodeFault(_ document: SOAPDocument, _ fault: Int32) throws(DESError) -> DESFault {
        var code: String?
        var string: String?
        var actor: String?
        var detail: String?
        for child in document.children(fault) {
            let target = try document.resolve(child)
            switch document.name(child) {
            case "faultcode": code = document.string(target)
            case "faultstring": string = document.string(target)
            case "faultactor": actor = document.string(target)
            case "detail": detail = leafText(document, target)
            default: break
            }
        }
        guard let code else {
            throw DESError(.missingElement, "required element is missing", path: ["Fault", "faultcode"])
        }
        guard let string else {
            throw DESError(.missingElement, "required element is missing", path: ["Fault", "faultstring"])
        }
        let trimmed = String(Substring(code).trimmingWhitespace())
        let local = trimmed.split(separator: ":", maxSplits: 1).last.map(String.init) ?? trimmed
        return DESFault(
            code: DESFault.Code(qualifiedLocalName: local, inEnvelopeNamespace: true).normalized(raw: trimmed),
            string: string, actor: actor, detail: detail)
    }

    static func leafText(_ document: SOAPDocument, _ node: Int32) -> String {
        let children = document.children(node)
        if children.isEmpty { return document.string(node) }
        return children.map { leafText(document, $0) }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

extension DESFault.Code {
    /// Unknown codes keep the text the peer sent, prefix included.
    func normalized(raw: String) -> DESFault.Code {
        if case .other = self { return .other(raw) }
        return self
    }
}
