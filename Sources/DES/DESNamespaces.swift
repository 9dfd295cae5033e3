/// XML namespaces and protocol constants of the DES interface (../schemas/des/*.wsdl).
public enum DESNamespace {
    /// The service namespace of registry.wsdl and transactionlog.wsdl: operation elements live here.
    public static let service = "urn:KyotoProtocol:RegistrySystem:ITL:1.0:0.0"
    /// The types namespace of common.wsdl: `xsi:type` values of structures and arrays.
    public static let types = "urn:KyotoProtocol:RegistrySystem:ITL:Types:1.0:0.0"
    public static let soapEnvelope = "http://schemas.xmlsoap.org/soap/envelope/"
    public static let soapEncoding = "http://schemas.xmlsoap.org/soap/encoding/"
    public static let xmlSchema = "http://www.w3.org/2001/XMLSchema"
    public static let xmlSchemaInstance = "http://www.w3.org/2001/XMLSchema-instance"
}
