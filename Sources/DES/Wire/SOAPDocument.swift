import CLibXML2

/// libxml2's global state is set up once per process; every parse then uses its own context (thread safe).
let libxml2Initialized: Bool = {
    xmlInitParser()
    return true
}()

/// A parsed SOAP document as a compact arena of elements: names, a few SOAP attributes and leaf text.
///
/// Built by libxml2's SAX2 push parser (no DOM, input consumed in chunks), so that memory stays a small multiple of
/// the message and every limit of `DESDecoderLimits` is enforced while parsing, before anything is built from it.
///
/// One document is built and read by one thread at a time, so its hot arrays skip dynamic exclusivity checks.
final class SOAPDocument {
    struct Node {
        var name: Int32
        var namespace: Int32
        var parent: Int32
        var firstChild: Int32 = -1
        var nextSibling: Int32 = -1
        var childCount: Int32 = 0
        var textStart: Int32 = 0
        var textLength: Int32 = 0
        var hrefStart: Int32 = -1
        var hrefLength: Int32 = 0
        var idStart: Int32 = -1
        var idLength: Int32 = 0
        var flags: UInt8 = 0
    }

    static let flagNil: UInt8 = 1
    static let flagNotRoot: UInt8 = 2
    static let flagMustUnderstand: UInt8 = 4
    static let flagMixedContent: UInt8 = 8

    @exclusivity(unchecked) var nodes: ContiguousArray<Node> = []
    /// Interned local names and namespace URIs (index 0 of `namespaces` is "no namespace").
    @exclusivity(unchecked) var names: [String] = []
    @exclusivity(unchecked) var namespaces: [String] = [""]
    /// Leaf text and attribute values, referenced by offset from the nodes.
    @exclusivity(unchecked) var text: [UInt8] = []
    @exclusivity(unchecked) var ids: [String: Int32] = [:]
    let limits: DESDecoderLimits

    /// Decode-time state: values decoded so far (against `maxElements`) and the multi-reference targets being decoded.
    @exclusivity(unchecked) var decodedValues = 0
    @exclusivity(unchecked) var activeTargets: [Int32] = []

    var root: Int32 { nodes.isEmpty ? -1 : 0 }

    private init(limits: DESDecoderLimits) { self.limits = limits }

    /// Parses `bytes` with libxml2 (XML_PARSE_NONET only; a DOCTYPE is refused) into an arena.
    static func parse(_ bytes: UnsafeRawBufferPointer, limits: DESDecoderLimits) throws(DESError) -> SOAPDocument {
        guard bytes.count <= limits.maxMessageBytes else {
            throw DESError(
                .limitExceeded,
                "message of \(bytes.count) bytes exceeds the limit of \(limits.maxMessageBytes) bytes")
        }
        _ = libxml2Initialized
        let document = SOAPDocument(limits: limits)
        let builder = SOAPArenaBuilder(document: document, expectedBytes: bytes.count)
        try builder.run(bytes)
        return document
    }

    // MARK: Navigation

    func name(_ node: Int32) -> String { names[Int(nodes[Int(node)].name)] }
    func namespace(_ node: Int32) -> String { namespaces[Int(nodes[Int(node)].namespace)] }
    func has(_ node: Int32, flag: UInt8) -> Bool { nodes[Int(node)].flags & flag != 0 }

    /// The child elements of `node`, in document order.
    func children(_ node: Int32) -> [Int32] {
        var result: [Int32] = []
        result.reserveCapacity(Int(nodes[Int(node)].childCount))
        var child = nodes[Int(node)].firstChild
        while child >= 0 {
            result.append(child)
            child = nodes[Int(child)].nextSibling
        }
        return result
    }

    func textSlice(_ node: Int32) -> ArraySlice<UInt8> {
        let entry = nodes[Int(node)]
        return text[Int(entry.textStart)..<Int(entry.textStart + entry.textLength)]
    }

    func string(_ node: Int32) -> String { String(decoding: textSlice(node), as: UTF8.self) }

    func href(_ node: Int32) -> String? {
        let entry = nodes[Int(node)]
        guard entry.hrefStart >= 0 else { return nil }
        return String(decoding: text[Int(entry.hrefStart)..<Int(entry.hrefStart + entry.hrefLength)], as: UTF8.self)
    }

    /// Follows `href="#id"` (SOAP 1.1 section 5.4.1 multi-reference values) to the element that holds the value.
    func resolve(_ node: Int32) throws(DESError) -> Int32 {
        var current = node
        var hops = 0
        while let reference = href(current) {
            guard reference.utf8.first == UInt8(ascii: "#") else {
                throw DESError(.invalidReference, "href '\(reference)' is not a local reference (#id)")
            }
            let id = String(reference.dropFirst())
            guard let target = ids[id] else {
                throw DESError(.invalidReference, "href '\(reference)' points to no element with id '\(id)'")
            }
            hops += 1
            guard target != current, hops <= 64 else {
                throw DESError(.invalidReference, "href '\(reference)' forms a reference cycle")
            }
            current = target
        }
        return current
    }

    /// Counts one decoded value against the element budget: multi-references may share a value, and sharing must
    /// not let a small message expand into an unbounded amount of work.
    func countDecodedValue() throws(DESError) {
        decodedValues += 1
        if decodedValues > limits.maxElements {
            throw DESError(
                .limitExceeded,
                "more than \(limits.maxElements) values decoded (multi-reference values shared too often)")
        }
    }

    /// Runs `body` while `target` (a multi-reference value) is being decoded; entering it again is a cycle.
    func entering<T>(_ target: Int32, viaReference: Bool, _ body: () throws(DESError) -> T) throws(DESError) -> T {
        guard viaReference else { return try body() }
        if activeTargets.contains(target) {
            throw DESError(.invalidReference, "multi-reference value id '\(idText(target))' contains itself (cycle)")
        }
        activeTargets.append(target)
        defer { activeTargets.removeLast() }
        return try body()
    }

    func idText(_ node: Int32) -> String {
        let entry = nodes[Int(node)]
        guard entry.idStart >= 0 else { return "" }
        return String(decoding: text[Int(entry.idStart)..<Int(entry.idStart + entry.idLength)], as: UTF8.self)
    }

    /// Builds the id index once parsing is done; a repeated id is ambiguous and refused.
    func indexIdentifiers() throws(DESError) {
        for index in nodes.indices where nodes[index].idStart >= 0 {
            let id = idText(Int32(index))
            if ids[id] != nil { throw DESError(.invalidReference, "id '\(id)' is used by more than one element") }
            ids[id] = Int32(index)
        }
    }
}
