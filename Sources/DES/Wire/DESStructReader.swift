/// Reads the accessors of one SOAP-encoded structure from the parsed document.
///
/// Accessors are matched by name (SOAP 1.1 section 5.4.1), in any order, each at most once; multi-reference values
/// (`href="#id"`) are followed; every error carries the element path below this structure.
public struct DESStructReader {
    let document: SOAPDocument
    let node: Int32
    private var cursor: Int32
    private var cursorPosition: Int
    private var consumed: UInt64 = 0

    /// No DES structure has more accessors than this; more children is refused before matching.
    static let maxAccessors = 64

    init(document: SOAPDocument, node: Int32) throws(DESError) {
        self.document = document
        self.node = node
        let entry = document.nodes[Int(node)]
        cursor = entry.firstChild
        cursorPosition = 0
        if entry.flags & SOAPDocument.flagMixedContent != 0
            || (entry.childCount == 0 && entry.textLength > 0
                && !document.textSlice(node).allSatisfy(SOAPArenaBuilder.isXMLWhitespace))
        {
            throw DESError(.invalidValue, "text where a structure of accessor elements was expected")
        }
        guard entry.childCount <= Int32(Self.maxAccessors) else {
            throw DESError(.unexpectedElement, "\(entry.childCount) child elements where a structure was expected")
        }
    }

    /// Finds the unconsumed accessor `name`, checking the expected position first (peers send the WSDL order).
    private mutating func child(_ name: String) throws(DESError) -> Int32? {
        var found: Int32 = -1
        var position = 0
        if cursor >= 0, consumed & (1 << UInt64(cursorPosition)) == 0, document.name(cursor) == name {
            found = cursor
            position = cursorPosition
        } else {
            var candidate = document.nodes[Int(node)].firstChild
            var index = 0
            while candidate >= 0 {
                if consumed & (1 << UInt64(index)) == 0, document.name(candidate) == name {
                    found = candidate
                    position = index
                    break
                }
                candidate = document.nodes[Int(candidate)].nextSibling
                index += 1
            }
        }
        guard found >= 0 else { return nil }
        consumed |= 1 << UInt64(position)
        cursor = document.nodes[Int(found)].nextSibling
        cursorPosition = position + 1
        guard document.nodes[Int(found)].namespace == 0 else {
            throw DESError(
                .wrongNamespace,
                "element is in namespace '\(document.namespace(found))'; rpc/encoded accessors are unqualified",
                path: [name])
        }
        return found
    }

    /// Refuses accessors the structure does not have, and repeated ones.
    func finish() throws(DESError) {
        let count = Int(document.nodes[Int(node)].childCount)
        guard consumed != (count == 64 ? UInt64.max : (1 << UInt64(count)) - 1) else { return }
        var candidate = document.nodes[Int(node)].firstChild
        var index = 0
        var seen: Set<String> = []
        while candidate >= 0 {
            let name = document.name(candidate)
            if consumed & (1 << UInt64(index)) == 0 {
                if seen.contains(name) {
                    throw DESError(.unexpectedElement, "element appears more than once", path: [name])
                }
                throw DESError(.unexpectedElement, "element is not part of this structure", path: [name])
            }
            seen.insert(name)
            candidate = document.nodes[Int(candidate)].nextSibling
            index += 1
        }
    }

    /// The value node behind an accessor: references followed, nil (`xsi:nil="true"`) as absent.
    private func target(of element: Int32) throws(DESError) -> (node: Int32, viaReference: Bool)? {
        let resolved = try document.resolve(element)
        try document.countDecodedValue()
        if document.has(resolved, flag: SOAPDocument.flagNil) { return nil }
        return (resolved, resolved != element)
    }

    static func scalar<T: DESScalar>(_ document: SOAPDocument, _ node: Int32, as type: T.Type) throws(DESError) -> T {
        let entry = document.nodes[Int(node)]
        guard entry.childCount == 0 else {
            throw DESError(.invalidValue, "element content where a simple \(T.xsdType) value was expected")
        }
        return try T.parseDES(document.textSlice(node))
    }

    // MARK: Scalars

    public mutating func optional<T: DESScalar>(_ name: String, as type: T.Type = T.self) throws(DESError) -> T? {
        guard let element = try child(name) else { return nil }
        do throws(DESError) {
            guard let (value, _) = try target(of: element) else { return nil }
            return try Self.scalar(document, value, as: T.self)
        } catch { throw error.within(name) }
    }

    public mutating func required<T: DESScalar>(_ name: String, as type: T.Type = T.self) throws(DESError) -> T {
        guard let value = try optional(name, as: T.self) else { throw Self.missing(name) }
        return value
    }

    static func missing(_ name: String) -> DESError {
        DESError(.missingElement, "required element is missing", path: [name])
    }

    // MARK: Structures

    static func structure<T: DESStructure>(
        _ document: SOAPDocument, _ node: Int32, viaReference: Bool, as type: T.Type
    ) throws(DESError) -> T {
        try document.entering(node, viaReference: viaReference) { () throws(DESError) -> T in
            var reader = try DESStructReader(document: document, node: node)
            let value = try T(from: &reader)
            try reader.finish()
            return value
        }
    }

    public mutating func optionalStructure<T: DESStructure>(
        _ name: String, as type: T.Type = T.self
    ) throws(DESError) -> T? {
        guard let element = try child(name) else { return nil }
        do throws(DESError) {
            guard let (value, viaReference) = try target(of: element) else { return nil }
            return try Self.structure(document, value, viaReference: viaReference, as: T.self)
        } catch { throw error.within(name) }
    }

    public mutating func structure<T: DESStructure>(_ name: String, as type: T.Type = T.self) throws(DESError) -> T {
        guard let value = try optionalStructure(name, as: T.self) else { throw Self.missing(name) }
        return value
    }

    // MARK: Arrays (SOAP 1.1 section 5.4.2: member element names are not significant)

    private func members<T>(
        of array: Int32, viaReference: Bool, _ decode: (Int32, Bool) throws(DESError) -> T
    ) throws(DESError) -> [T] {
        try document.entering(array, viaReference: viaReference) { () throws(DESError) -> [T] in
            let entry = document.nodes[Int(array)]
            if entry.flags & SOAPDocument.flagMixedContent != 0
                || (entry.childCount == 0 && !document.textSlice(array).allSatisfy(SOAPArenaBuilder.isXMLWhitespace))
            {
                throw DESError(.invalidValue, "text where array items were expected")
            }
            var result: [T] = []
            result.reserveCapacity(Int(entry.childCount))
            var item = entry.firstChild
            var position = 1
            while item >= 0 {
                do throws(DESError) {
                    let resolved = try document.resolve(item)
                    try document.countDecodedValue()
                    if document.has(resolved, flag: SOAPDocument.flagNil) {
                        throw DESError(.invalidValue, "array items must not be nil")
                    }
                    result.append(try decode(resolved, resolved != item))
                } catch {
                    throw error.within("\(document.name(item))[\(position)]")
                }
                item = document.nodes[Int(item)].nextSibling
                position += 1
            }
            return result
        }
    }

    public mutating func optionalArray<T: DESStructure>(
        _ name: String, of type: T.Type = T.self
    ) throws(DESError) -> [T]? {
        guard let element = try child(name) else { return nil }
        do throws(DESError) {
            guard let (array, viaReference) = try target(of: element) else { return nil }
            let document = self.document
            return try members(of: array, viaReference: viaReference) { (item, itemViaReference) throws(DESError) in
                try Self.structure(document, item, viaReference: itemViaReference, as: T.self)
            }
        } catch { throw error.within(name) }
    }

    public mutating func array<T: DESStructure>(_ name: String, of type: T.Type = T.self) throws(DESError) -> [T] {
        guard let value = try optionalArray(name, of: T.self) else { throw Self.missing(name) }
        return value
    }

    public mutating func optionalScalarArray<T: DESScalar>(
        _ name: String, of type: T.Type = T.self
    ) throws(DESError) -> [T]? {
        guard let element = try child(name) else { return nil }
        do throws(DESError) {
            guard let (array, viaReference) = try target(of: element) else { return nil }
            let document = self.document
            return try members(of: array, viaReference: viaReference) { (item, _) throws(DESError) in
                try Self.scalar(document, item, as: T.self)
            }
        } catch { throw error.within(name) }
    }
}
