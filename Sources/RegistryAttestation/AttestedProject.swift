/// The CDM project the cancelled units were issued for, as the attestation names it.
public struct AttestedProject: Hashable, Sendable, Codable {
    /// The EB's project reference number, the `projectIdentifier` of the units.
    public let number: Int
    public let title: String

    public init(number: Int, title: String) {
        self.number = number
        self.title = title
    }
}
