/// A DES response code, as carried in `responseCodes` (ArrayOfInt) and `EvaluationResult.responseCode`.
///
/// Open-ended like `AccountType`: peers send codes this registry never produces. The named ones are those the
/// project uses; see docs/PROTOCOL.md for which are DES codes and which are this registry's own.
public struct DESResponseCode: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    // Acquiring-registry checks (DOMAIN.md section 4), sent in acceptNotification with status 6 (rejected).
    /// The acquiring account does not exist.
    public static let accountDoesNotExist = DESResponseCode(5902)
    /// The acquiring account may not hold these units.
    public static let accountNotEligible = DESResponseCode(5903)
    /// The transfer is inconsistent with the acquiring Party's policy.
    public static let inconsistentWithPartyPolicy = DESResponseCode(5904)
    /// The acquiring account is closed.
    public static let accountClosed = DESResponseCode(5906)

    // Message viability, answered with resultIdentifier 0 to a well-formed request (this registry's own codes in
    // the DES "version and authentication" range; docs/PROTOCOL.md).
    /// majorVersion/minorVersion is not 1.1, the DES version this registry speaks.
    public static let unsupportedVersion = DESResponseCode(1001)
    /// `from` is not the authenticated peer (the client certificate names another registry or the ITL).
    public static let senderMismatch = DESResponseCode(1002)
    /// `to` does not name this registry.
    public static let wrongRecipient = DESResponseCode(1003)
    /// The operation exists in DES but this endpoint does not serve it (e.g. an ITL operation sent to a registry).
    public static let operationNotServed = DESResponseCode(1004)

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

extension DESResponseCode: DESScalar {
    public static var xsdType: String { "int" }
    public static func parseDES(_ text: ArraySlice<UInt8>) throws(DESError) -> DESResponseCode {
        DESResponseCode(try Int.parseDES(text))
    }
    public func writeDES(into output: inout [UInt8]) { rawValue.writeDES(into: &output) }
}

/// The acknowledgement every DES response carries: `resultIdentifier` (1 received, 0 refused) and the codes why.
public struct DESResult: Hashable, Sendable {
    public var resultIdentifier: Int
    public var responseCodes: [DESResponseCode]?

    public init(resultIdentifier: Int, responseCodes: [DESResponseCode]? = nil) {
        self.resultIdentifier = resultIdentifier
        self.responseCodes = responseCodes
    }

    /// The message was received and will be processed (DES: resultIdentifier 1).
    public static let received = DESResult(resultIdentifier: 1)

    /// The message was well formed but refused for the given rules (DES: resultIdentifier 0 with codes).
    public static func refused(_ codes: [DESResponseCode]) -> DESResult {
        DESResult(resultIdentifier: 0, responseCodes: codes)
    }

    public var isReceived: Bool { resultIdentifier == 1 }
}
