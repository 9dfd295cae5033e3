/// Bounds on what the decoder accepts from the network, so that no message can exhaust memory or time.
///
/// The defaults fit the largest real DES traffic (a reconciliation with tens of thousands of unit blocks is a few
/// MiB) with room to spare, and stay far below what would hurt a registry node.
public struct DESDecoderLimits: Hashable, Sendable {
    /// Largest message accepted, in bytes; checked before any parsing. Default 16 MiB.
    public var maxMessageBytes: Int
    /// Deepest element nesting (the envelope is depth 1). DES messages nest about 8 deep; default 64.
    public var maxDepth: Int
    /// Most elements in one message, and most values decoded through multi-references. Default 2,000,000.
    public var maxElements: Int
    /// Most child elements of one element, i.e. items of one SOAP-ENC array. Default 100,000.
    public var maxArrayItems: Int

    public init(
        maxMessageBytes: Int = 16 * 1024 * 1024, maxDepth: Int = 64, maxElements: Int = 2_000_000,
        maxArrayItems: Int = 100_000
    ) {
        self.maxMessageBytes = maxMessageBytes
        self.maxDepth = maxDepth
        self.maxElements = maxElements
        self.maxArrayItems = maxArrayItems
    }

    /// The documented safe defaults.
    public static let standard = DESDecoderLimits()
}
