/// A DER element (tag, content): just enough ASN.1 to read the key structures of PKCS#8, SEC1 and
/// SubjectPublicKeyInfo (RFC 5208, RFC 5915, RFC 5280) for Ed25519, which swift-crypto reads only as raw bytes.
struct DERNode: Sendable {
    static let sequence: UInt8 = 0x30
    static let integer: UInt8 = 0x02
    static let bitString: UInt8 = 0x03
    static let octetString: UInt8 = 0x04
    static let objectIdentifier: UInt8 = 0x06

    let tag: UInt8
    let content: ArraySlice<UInt8>

    /// Reads one element from the front of `bytes` and removes it; definite lengths only, as DER requires.
    static func read(from bytes: inout ArraySlice<UInt8>) throws(DERError) -> DERNode {
        guard let tag = bytes.popFirst() else { throw .truncated }
        guard tag & 0x1f != 0x1f else { throw .unsupportedTag(tag) }
        guard let first = bytes.popFirst() else { throw .truncated }
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7f)
            guard (1...4).contains(count) else { throw .badLength }
            for _ in 0..<count {
                guard let byte = bytes.popFirst() else { throw .truncated }
                length = length << 8 | Int(byte)
            }
            // DER: the long form only when needed, without leading zero bytes.
            guard length >= 0x80, length >> (8 * (count - 1)) != 0 else { throw .badLength }
        }
        guard bytes.count >= length else { throw .truncated }
        let content = bytes.prefix(length)
        bytes = bytes.dropFirst(length)
        return DERNode(tag: tag, content: content)
    }

    /// The single element `bytes` must consist of, with the expected tag and nothing after it.
    static func only(_ tag: UInt8, in bytes: ArraySlice<UInt8>) throws(DERError) -> DERNode {
        var rest = bytes
        let node = try read(from: &rest)
        guard node.tag == tag else { throw .unexpectedTag(expected: tag, found: node.tag) }
        guard rest.isEmpty else { throw .trailingBytes }
        return node
    }

    /// The elements inside a constructed element, in order.
    func children() throws(DERError) -> [DERNode] {
        var rest = content
        var nodes: [DERNode] = []
        while !rest.isEmpty { nodes.append(try DERNode.read(from: &rest)) }
        return nodes
    }

    /// The element's full encoding: tag, length and content.
    var encoded: [UInt8] { DERNode.encode(tag: tag, content: Array(content)) }

    static func encode(tag: UInt8, content: [UInt8]) -> [UInt8] {
        var length: [UInt8] = []
        if content.count < 0x80 {
            length = [UInt8(content.count)]
        } else {
            var value = content.count
            var digits: [UInt8] = []
            while value > 0 {
                digits.insert(UInt8(value & 0xff), at: 0)
                value >>= 8
            }
            length = [0x80 | UInt8(digits.count)] + digits
        }
        return [tag] + length + content
    }

    /// An OBJECT IDENTIFIER's content as dotted text, for error messages.
    static func dottedObjectIdentifier(_ content: ArraySlice<UInt8>) -> String {
        var arcs: [UInt64] = []
        var value: UInt64 = 0
        for byte in content {
            guard value < (1 << 56) else { return "(malformed)" }
            value = value << 7 | UInt64(byte & 0x7f)
            if byte & 0x80 == 0 {
                arcs.append(value)
                value = 0
            }
        }
        guard let first = arcs.first else { return "(malformed)" }
        let head: [UInt64] = first < 80 ? [first / 40, first % 40] : [2, first - 80]
        return (head + arcs.dropFirst()).map(String.init).joined(separator: ".")
    }
}

/// Why bytes are not the DER a key structure needs.
enum DERError: Error, Hashable, Sendable, CustomStringConvertible {
    case truncated
    case badLength
    case unsupportedTag(UInt8)
    case unexpectedTag(expected: UInt8, found: UInt8)
    case trailingBytes

    var description: String {
        switch self {
        case .truncated: "DER data ends inside an element"
        case .badLength: "DER length is not in minimal definite form"
        case .unsupportedTag(let tag): "DER tag 0x\(String(tag, radix: 16)) is not supported"
        case .unexpectedTag(let expected, let found):
            "expected DER tag 0x\(String(expected, radix: 16)), found 0x\(String(found, radix: 16))"
        case .trailingBytes: "bytes follow the DER structure"
        }
    }
}
