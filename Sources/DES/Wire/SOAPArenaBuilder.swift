import CLibXML2

/// Receives libxml2's SAX2 events and fills a `SOAPDocument`, enforcing `DESDecoderLimits` as elements arrive.
///
/// Used by one parse on one thread only, so its state skips dynamic exclusivity checks (`@exclusivity(unchecked)`).
final class SOAPArenaBuilder {
    let document: SOAPDocument
    let limits: DESDecoderLimits
    @exclusivity(unchecked) var context: xmlParserCtxtPtr?
    @exclusivity(unchecked) var failure: DESError?
    /// Open elements, innermost last, with the last child appended to each.
    @exclusivity(unchecked) var openElements: [Int32] = []
    @exclusivity(unchecked) var lastChildren: [Int32] = []
    @exclusivity(unchecked) var nameIndex = InternCache()
    @exclusivity(unchecked) var namespaceIndex = InternCache()
    @exclusivity(unchecked) var xsiNamespace: Int32 = -1
    @exclusivity(unchecked) var encodingNamespace: Int32 = -1
    @exclusivity(unchecked) var envelopeNamespace: Int32 = -1

    /// Input is handed to libxml2 in slices of this size, so the parser never holds a second copy of the message.
    static let chunkBytes = 256 * 1024

    init(document: SOAPDocument, expectedBytes: Int) {
        self.document = document
        self.limits = document.limits
        document.nodes.reserveCapacity(max(16, expectedBytes / 40))
        document.text.reserveCapacity(max(64, expectedBytes / 8))
    }

    func run(_ bytes: UnsafeRawBufferPointer) throws(DESError) {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = { context, localName, _, uri, _, _, attributeCount, _, attributes in
            guard let context else { return }
            let builder = Unmanaged<SOAPArenaBuilder>.fromOpaque(context).takeUnretainedValue()
            builder.startElement(localName, uri, Int(attributeCount), attributes)
        }
        handler.endElementNs = { context, _, _, _ in
            guard let context else { return }
            Unmanaged<SOAPArenaBuilder>.fromOpaque(context).takeUnretainedValue().endElement()
        }
        handler.characters = { context, characters, length in
            guard let context, let characters else { return }
            Unmanaged<SOAPArenaBuilder>.fromOpaque(context).takeUnretainedValue().characters(characters, Int(length))
        }
        handler.cdataBlock = handler.characters
        handler.internalSubset = { context, _, _, _ in
            guard let context else { return }
            Unmanaged<SOAPArenaBuilder>.fromOpaque(context).takeUnretainedValue().fail(
                DESError(.doctypeRefused, "document type declarations (DOCTYPE) are not accepted in DES messages"))
        }
        // Structured errors are read from the context afterwards; this keeps libxml2 from printing to stderr.
        handler.serror = { _, _ in }

        let unmanaged = Unmanaged.passRetained(self)
        defer { unmanaged.release() }
        guard let context = xmlCreatePushParserCtxt(&handler, unmanaged.toOpaque(), nil, 0, nil) else {
            throw DESError(.malformedXML, "libxml2 could not create a parser context")
        }
        self.context = context
        defer {
            self.context = nil
            xmlFreeParserCtxt(context)
        }
        // NONET only: never NOENT, DTDLOAD or HUGE on network input (STACK.md section 2).
        xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue))

        var offset = 0
        var status: Int32 = 0
        repeat {
            let length = min(Self.chunkBytes, bytes.count - offset)
            let last = offset + length >= bytes.count
            let base = bytes.baseAddress.map { $0.advanced(by: offset).assumingMemoryBound(to: CChar.self) }
            status = xmlParseChunk(context, base, Int32(length), last ? 1 : 0)
            offset += length
            if failure != nil || status != 0 { break }
        } while offset < bytes.count
        if let failure { throw failure }
        if status != 0 || context.pointee.wellFormed == 0 {
            throw DESError(.malformedXML, Self.describeLastError(context))
        }
        guard !document.nodes.isEmpty else {
            throw DESError(.malformedXML, "not well-formed XML: the message contains no element")
        }
        try document.indexIdentifiers()
    }

    static func describeLastError(_ context: xmlParserCtxtPtr) -> String {
        guard let error = xmlCtxtGetLastError(context), let raw = error.pointee.message else {
            return "not well-formed XML"
        }
        var message = String(cString: raw)
        while message.last == "\n" || message.last == " " { message.removeLast() }
        return "not well-formed XML at line \(error.pointee.line): \(message)"
    }

    func fail(_ error: DESError) {
        if failure == nil { failure = error }
        if let context { xmlStopParser(context) }
    }

    func intern(_ pointer: UnsafePointer<xmlChar>?, in index: inout InternCache, isName: Bool) -> Int32 {
        guard let pointer else { return 0 }
        let key = UInt(bitPattern: pointer)
        if let known = index.lookup(key) { return known }
        let string = String(cString: pointer)
        let id: Int32
        if isName {
            if let existing = document.names.firstIndex(of: string) {
                id = Int32(existing)
            } else {
                id = Int32(document.names.count)
                document.names.append(string)
            }
        } else {
            if let existing = document.namespaces.firstIndex(of: string) {
                id = Int32(existing)
            } else {
                id = Int32(document.namespaces.count)
                document.namespaces.append(string)
                switch string {
                case DESNamespace.xmlSchemaInstance: xsiNamespace = id
                case DESNamespace.soapEncoding: encodingNamespace = id
                case DESNamespace.soapEnvelope: envelopeNamespace = id
                default: break
                }
            }
        }
        index.insert(key, id)
        return id
    }

    func pathOfOpenElements() -> String {
        openElements.map { document.name($0) }.joined(separator: "/")
    }

    func startElement(
        _ localName: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?, _ attributeCount: Int,
        _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        guard failure == nil else { return }
        if openElements.count >= limits.maxDepth {
            return fail(
                DESError(
                    .limitExceeded,
                    "element nesting deeper than \(limits.maxDepth) levels (limit maxDepth) below "
                        + openElements.prefix(4).map { document.name($0) }.joined(separator: "/")))
        }
        if document.nodes.count >= limits.maxElements {
            return fail(
                DESError(.limitExceeded, "more than \(limits.maxElements) elements in the message (limit maxElements)"))
        }
        let index = Int32(document.nodes.count)
        let parent = openElements.last ?? -1
        var node = SOAPDocument.Node(
            name: intern(localName, in: &nameIndex, isName: true),
            namespace: intern(uri, in: &namespaceIndex, isName: false), parent: parent)
        if parent >= 0 {
            let parentIndex = Int(parent)
            var parentNode = document.nodes[parentIndex]
            if parentNode.childCount >= Int32(clamping: limits.maxArrayItems) {
                return fail(
                    DESError(
                        .limitExceeded,
                        "more than \(limits.maxArrayItems) child elements (limit maxArrayItems)",
                        path: [pathOfOpenElements()]))
            }
            if parentNode.textLength > 0 {
                // Text before the first child element: whitespace is dropped, anything else is mixed content.
                let start = Int(parentNode.textStart)
                if !document.text[start...].allSatisfy(Self.isXMLWhitespace) {
                    parentNode.flags |= SOAPDocument.flagMixedContent
                }
                document.text.removeSubrange(start...)
                parentNode.textLength = 0
            }
            parentNode.childCount += 1
            let previous = lastChildren[lastChildren.count - 1]
            if previous < 0 {
                parentNode.firstChild = index
            } else {
                document.nodes[Int(previous)].nextSibling = index
            }
            document.nodes[parentIndex] = parentNode
            lastChildren[lastChildren.count - 1] = index
        } else if !document.nodes.isEmpty {
            return fail(DESError(.malformedXML, "more than one root element"))
        }
        if let attributes, attributeCount > 0 {
            for position in 0..<attributeCount {
                let base = position * 5
                guard let name = attributes[base], let valueStart = attributes[base + 3],
                    let valueEnd = attributes[base + 4]
                else { continue }
                let valueLength = valueEnd - valueStart
                let attributeURI = attributes[base + 2]
                if attributeURI == nil {
                    if Self.matches(name, "href") {
                        node.hrefStart = Int32(document.text.count)
                        node.hrefLength = Int32(valueLength)
                        document.text.append(contentsOf: UnsafeBufferPointer(start: valueStart, count: valueLength))
                    } else if Self.matches(name, "id") {
                        node.idStart = Int32(document.text.count)
                        node.idLength = Int32(valueLength)
                        document.text.append(contentsOf: UnsafeBufferPointer(start: valueStart, count: valueLength))
                    }
                    continue
                }
                let namespace = intern(attributeURI, in: &namespaceIndex, isName: false)
                let value = UnsafeBufferPointer(start: valueStart, count: valueLength)
                var isTrue: Bool { value.elementsEqual("true".utf8) || value.elementsEqual("1".utf8) }
                if namespace == xsiNamespace, Self.matches(name, "nil"), isTrue {
                    node.flags |= SOAPDocument.flagNil
                } else if namespace == encodingNamespace, Self.matches(name, "root"), value.elementsEqual("0".utf8) {
                    node.flags |= SOAPDocument.flagNotRoot
                } else if namespace == envelopeNamespace, Self.matches(name, "mustUnderstand"), isTrue {
                    node.flags |= SOAPDocument.flagMustUnderstand
                }
            }
        }
        node.textStart = Int32(document.text.count)
        document.nodes.append(node)
        openElements.append(index)
        lastChildren.append(-1)
    }

    func endElement() {
        guard failure == nil, !openElements.isEmpty else { return }
        openElements.removeLast()
        lastChildren.removeLast()
    }

    func characters(_ characters: UnsafePointer<xmlChar>, _ length: Int) {
        guard failure == nil, let current = openElements.last else { return }
        let chunk = UnsafeBufferPointer(start: characters, count: length)
        let index = Int(current)
        if document.nodes[index].childCount > 0 {
            if !chunk.allSatisfy(Self.isXMLWhitespace) {
                document.nodes[index].flags |= SOAPDocument.flagMixedContent
            }
            return
        }
        guard document.text.count + length < Int(Int32.max) else {
            return fail(DESError(.limitExceeded, "text content too large"))
        }
        document.text.append(contentsOf: chunk)
        document.nodes[index].textLength += Int32(length)
    }

    /// Names and namespace URIs come from the parser's dictionary, so one string is always one pointer: a small
    /// direct-mapped table in front of a dictionary finds its id without hashing on the hot path.
    struct InternCache {
        var keys = [UInt](repeating: 0, count: 256)
        var values = [Int32](repeating: 0, count: 256)
        var overflow: [UInt: Int32] = [:]

        func lookup(_ key: UInt) -> Int32? {
            let slot = Int((key >> 3) & 255)
            if keys[slot] == key { return values[slot] }
            return overflow[key]
        }

        mutating func insert(_ key: UInt, _ value: Int32) {
            let slot = Int((key >> 3) & 255)
            if keys[slot] == 0 {
                keys[slot] = key
                values[slot] = value
            } else {
                overflow[key] = value
            }
        }
    }

    /// Compares a NUL-terminated libxml2 name with an ASCII literal.
    static func matches(_ pointer: UnsafePointer<xmlChar>, _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { expected in
            for position in 0..<expected.count where pointer[position] != expected[position] { return false }
            return pointer[expected.count] == 0
        }
    }

    static func isXMLWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
}
