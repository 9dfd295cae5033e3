/// Every operation of registry.wsdl and transactionlog.wsdl, with the SOAPAction its binding declares.
public enum DESOperation: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case acceptProposal
    case acceptNotification
    case acceptMessage
    case acceptITLNotice
    case provideTime
    case initiateReconciliation
    case provideTotals
    case provideUnitBlocks
    case provideAuditTrail
    case receiveReconciliationResult
    case getTransactionStatus
    case receiveAuditTrail
    case receiveTotals
    case receiveUnitBlocks

    /// The `soapAction` of the WSDL binding (sent quoted in the SOAPAction HTTP header).
    public var soapAction: String { rawValue }

    /// The SOAPAction HTTP header value: the URI in double quotes (SOAP 1.1 section 6.1.1).
    public var soapActionHeader: String { "\"\(rawValue)\"" }

    /// The body entry of the request (`<ns:acceptProposal>`) and of the response (`<ns:acceptProposalResponse>`).
    public var requestElementName: String { rawValue }
    public var responseElementName: String { rawValue + "Response" }

    /// The single part of the request and response messages (common.wsdl `<message>` parts).
    public var requestPartName: String { rawValue + "Request" }
    public var responsePartName: String { rawValue + "Response" }

    /// The services whose WSDL has this operation.
    public var services: Set<DESService> {
        switch self {
        case .acceptProposal, .acceptNotification, .acceptMessage, .provideTotals, .provideUnitBlocks,
            .provideAuditTrail, .receiveReconciliationResult:
            [.registry, .transactionLog]
        case .acceptITLNotice, .provideTime, .initiateReconciliation: [.registry]
        case .getTransactionStatus, .receiveAuditTrail, .receiveTotals, .receiveUnitBlocks: [.transactionLog]
        }
    }

    /// The operation a SOAPAction header names: surrounding quotes and whitespace removed; nil when empty.
    public static func named(soapAction header: String) -> String? {
        var text = Substring(header).trimmingWhitespace()
        if text.count >= 2, text.first == "\"", text.last == "\"" { text = text.dropFirst().dropLast() }
        text = text.trimmingWhitespace()
        return text.isEmpty ? nil : String(text)
    }

    public var description: String { rawValue }
}

/// The two DES services: what a registry serves (registry.wsdl) and what the ITL serves (transactionlog.wsdl).
public enum DESService: String, Hashable, Sendable, CaseIterable {
    case registry
    case transactionLog

    public var operations: [DESOperation] { DESOperation.allCases.filter { $0.services.contains(self) } }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var text = self
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return text
    }
}
