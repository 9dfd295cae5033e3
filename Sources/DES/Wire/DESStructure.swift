/// A SOAP-encoded structure of common.wsdl (a complexType with a sequence of accessors).
public protocol DESStructure: Hashable, Sendable {
    /// The complexType name in the types namespace, written as `xsi:type="des:<name>"`.
    static var xsiType: String { get }
    /// Reads the accessors; `reader.finish()` is called afterwards and refuses anything left over.
    init(from reader: inout DESStructReader) throws(DESError)
    /// Writes the accessors in the WSDL's sequence order (the XSD checks the order).
    func encode(to writer: inout DESStructWriter)
}
