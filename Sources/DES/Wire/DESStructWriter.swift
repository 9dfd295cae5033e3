/// Writes SOAP-encoded accessors (rpc/encoded, SOAP 1.1 section 5): unqualified names, `xsi:type` on every value,
/// SOAP-ENC arrays with `arrayType` and `item` members.
///
/// The envelope declares the prefixes used here: `xsi`, `xsd`, `SOAP-ENC` and `des` (the types namespace).
public struct DESStructWriter {
    var output: [UInt8]

    init(output: [UInt8] = []) { self.output = output }

    mutating func append(_ text: String) { output.append(contentsOf: text.utf8) }

    mutating func startTag(_ name: String, type: String) {
        output.append(UInt8(ascii: "<"))
        append(name)
        append(" xsi:type=\"")
        append(type)
        output.append(UInt8(ascii: "\""))
    }

    mutating func endTag(_ name: String) {
        append("</")
        append(name)
        output.append(UInt8(ascii: ">"))
    }

    /// A simple value: `<name xsi:type="xsd:long">42</name>`.
    public mutating func field<T: DESScalar>(_ name: String, _ value: T) {
        startTag(name, type: "xsd:" + T.xsdType)
        output.append(UInt8(ascii: ">"))
        value.writeDES(into: &output)
        endTag(name)
    }

    /// An optional accessor (`minOccurs="0"`): absent values are not written at all.
    public mutating func field<T: DESScalar>(_ name: String, _ value: T?) {
        if let value { field(name, value) }
    }

    public mutating func structure<T: DESStructure>(_ name: String, _ value: T, type: String = T.xsiType) {
        startTag(name, type: "des:" + type)
        output.append(UInt8(ascii: ">"))
        value.encode(to: &self)
        endTag(name)
    }

    public mutating func structure<T: DESStructure>(_ name: String, _ value: T?, type: String = T.xsiType) {
        if let value { structure(name, value, type: type) }
    }

    /// `ArrayOf<itemType>`, as common.wsdl names every array type.
    public mutating func array<T: DESStructure>(_ name: String, _ items: [T], itemType: String = T.xsiType) {
        startTag(name, type: "des:ArrayOf" + itemType)
        append(" SOAP-ENC:arrayType=\"des:\(itemType)[\(items.count)]\">")
        let itemStart = Array("<item xsi:type=\"des:\(itemType)\">".utf8)
        for item in items {
            output.append(contentsOf: itemStart)
            item.encode(to: &self)
            append("</item>")
        }
        endTag(name)
    }

    public mutating func array<T: DESStructure>(_ name: String, _ items: [T]?, itemType: String = T.xsiType) {
        if let items { array(name, items, itemType: itemType) }
    }

    /// `ArrayOfInt` (response codes): `SOAP-ENC:arrayType="xsd:int[n]"`.
    public mutating func intArray<T: DESScalar>(_ name: String, _ items: [T]?) {
        guard let items else { return }
        startTag(name, type: "des:ArrayOfInt")
        append(" SOAP-ENC:arrayType=\"xsd:int[\(items.count)]\">")
        for item in items {
            append("<item xsi:type=\"xsd:int\">")
            item.writeDES(into: &output)
            append("</item>")
        }
        endTag(name)
    }
}
