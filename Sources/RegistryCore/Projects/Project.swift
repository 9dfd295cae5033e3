/// Who may instruct the CDM registry for a project: a project participant or focal point as the project's
/// modalities of communication name it.
public typealias ParticipantIdentifier = String

/// A registered CDM project activity (DOMAIN.md section 5).
public struct Project: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The EB's project reference number; also the `projectIdentifier` every unit issued for it carries.
    public var number: Int
    public var title: String
    /// The host Party's ISO 3166 alpha-2 code (the code of its national registry).
    public var hostParty: RegistryCode
    /// E.g. "Wind", "Hydro", "Afforestation/reforestation".
    public var projectType: String
    /// Hosted in a least developed country: exempt from the 2% share of proceeds for the Adaptation Fund.
    public var isLeastDevelopedCountry: Bool
    /// Modalities of communication: the participants who may instruct forwarding (and cancellation from the
    /// pending account) of this project's units.
    public var modalities: Set<ParticipantIdentifier>

    public init(
        number: Int, title: String, hostParty: RegistryCode, projectType: String, isLeastDevelopedCountry: Bool,
        modalities: Set<ParticipantIdentifier>
    ) {
        self.number = number
        self.title = title
        self.hostParty = hostParty
        self.projectType = projectType
        self.isLeastDevelopedCountry = isLeastDevelopedCountry
        self.modalities = modalities
    }

    public var description: String { "project \(number) (\(title), \(hostParty))" }
}
