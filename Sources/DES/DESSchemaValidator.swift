import CLibXML2

/// Validates a document against an XML Schema with libxml2 (`xmlSchemaValidateDoc`), e.g. a message part against
/// schemas/des/des-parts.xsd. The parsed schema is read-only and shared; each validation has its own contexts.
public final class DESSchemaValidator: @unchecked Sendable {
    private let schema: xmlSchemaPtr

    /// The problems found, one line each (libxml2's messages with line numbers).
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var messages: [String]
        public var description: String { messages.joined(separator: "\n") }
    }

    final class Collector {
        var messages: [String] = []
    }

    static let collect: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        let collector = Unmanaged<Collector>.fromOpaque(context).takeUnretainedValue()
        var message = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
        while message.last == "\n" { message.removeLast() }
        collector.messages.append("line \(error.pointee.line): \(message)")
    }

    /// Loads and compiles the schema at `path` (its imports are resolved relative to it, from local files).
    public init(schemaPath: String) throws(Failure) {
        _ = libxml2Initialized
        let collector = Collector()
        let unmanaged = Unmanaged.passRetained(collector)
        defer { unmanaged.release() }
        guard let parserContext = xmlSchemaNewParserCtxt(schemaPath) else {
            throw Failure(messages: ["cannot read schema \(schemaPath)"])
        }
        defer { xmlSchemaFreeParserCtxt(parserContext) }
        xmlSchemaSetParserStructuredErrors(parserContext, Self.collect, unmanaged.toOpaque())
        guard let schema = xmlSchemaParse(parserContext) else {
            throw Failure(messages: collector.messages.isEmpty ? ["invalid schema \(schemaPath)"] : collector.messages)
        }
        self.schema = schema
    }

    deinit { xmlSchemaFree(schema) }

    /// Parses `bytes` (XML_PARSE_NONET only) and validates the document.
    public func validate(_ bytes: [UInt8]) throws(Failure) {
        let collector = Collector()
        let unmanaged = Unmanaged.passRetained(collector)
        defer { unmanaged.release() }
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { Self.read($0, Int32(buffer.count)) }
            }
        }
        guard let parsed, case .success(let document) = parsed else {
            if case .failure(let failure) = parsed { throw failure }
            throw Failure(messages: ["empty document"])
        }
        defer { xmlFreeDoc(document) }
        guard let validContext = xmlSchemaNewValidCtxt(schema) else {
            throw Failure(messages: ["libxml2 could not create a validation context"])
        }
        defer { xmlSchemaFreeValidCtxt(validContext) }
        xmlSchemaSetValidStructuredErrors(validContext, Self.collect, unmanaged.toOpaque())
        let status = xmlSchemaValidateDoc(validContext, document)
        if status != 0 {
            throw Failure(
                messages: collector.messages.isEmpty ? ["invalid (libxml2 code \(status))"] : collector.messages)
        }
    }

    /// Reads a document into a DOM for validation, with libxml2's error messages kept off stderr.
    private static func read(_ base: UnsafePointer<CChar>, _ count: Int32) -> Result<xmlDocPtr, Failure> {
        guard let context = xmlNewParserCtxt() else { return .failure(Failure(messages: ["no parser context"])) }
        defer { xmlFreeParserCtxt(context) }
        context.pointee.sax.pointee.serror = { _, _ in }
        if let document = xmlCtxtReadMemory(context, base, count, nil, nil, Int32(XML_PARSE_NONET.rawValue)) {
            return .success(document)
        }
        return .failure(Failure(messages: [SOAPArenaBuilder.describeLastError(context)]))
    }
}
