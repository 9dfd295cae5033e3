/// Who may talk to us over DES, and where to reach them: registry code -> the identity its certificate must carry and
/// its endpoint URL. Read once from configuration at start-up.
///
/// The transport authenticates the certificate; this directory authorises it: an identity that is not listed is
/// refused, and a message whose `from` names another party than the certificate is refused (DOMAIN.md §1: the ITL
/// relays, so a registry's certificate never speaks for another registry).
public struct PeerDirectory: Sendable {
    /// The ITL's code in the directory (it has no ISO code; DES calls it the ITL).
    public static let itlCode = "ITL"

    /// The certificate name a party is recognised by: the subject CN, or one SAN (e.g. URI:urn:kyoto:registry:CDM).
    public enum ExpectedIdentity: Hashable, Sendable, CustomStringConvertible {
        case commonName(String)
        case subjectAlternativeName(SubjectAlternativeName)

        func matches(_ peer: PeerIdentity) -> Bool {
            switch self {
            case .commonName(let name): peer.commonName == name
            case .subjectAlternativeName(let name): peer.subjectAlternativeNames.contains(name)
            }
        }

        public var description: String {
            switch self {
            case .commonName(let name): "CN=\(name)"
            case .subjectAlternativeName(let name): "SAN \(name)"
            }
        }
    }

    public struct Entry: Hashable, Sendable {
        public var registryCode: String
        public var expectedIdentity: ExpectedIdentity
        /// The party's DES endpoint, e.g. https://itl.example:8443/des.
        public var url: String

        public init(registryCode: String, expectedIdentity: ExpectedIdentity, url: String) {
            self.registryCode = registryCode
            self.expectedIdentity = expectedIdentity
            self.url = url
        }

        public var isITL: Bool { registryCode == PeerDirectory.itlCode }
    }

    public let entries: [Entry]

    /// Refuses a directory where one code or one expected identity appears twice: either would make the mapping
    /// from certificate to registry ambiguous.
    public init(entries: [Entry]) throws(PeerDirectoryError) {
        var codes = Set<String>()
        var identities = Set<ExpectedIdentity>()
        for entry in entries {
            guard !entry.registryCode.isEmpty else { throw .emptyRegistryCode }
            guard codes.insert(entry.registryCode).inserted else { throw .duplicateRegistryCode(entry.registryCode) }
            guard identities.insert(entry.expectedIdentity).inserted else {
                throw .duplicateIdentity(entry.expectedIdentity)
            }
        }
        self.entries = entries
    }

    public func entry(forRegistryCode code: String) -> Entry? { entries.first { $0.registryCode == code } }

    /// The directory entry a validated certificate belongs to: exactly one must match.
    public func entry(for peer: PeerIdentity) -> Result<Entry, PeerAuthenticationError> {
        let matches = entries.filter { $0.expectedIdentity.matches(peer) }
        switch matches.count {
        case 1: return .success(matches[0])
        case 0: return .failure(.unknownIdentity(peer))
        default: return .failure(.ambiguousIdentity(peer, matches.map(\.registryCode)))
        }
    }

    /// The check every inbound DES message goes through before the engine acts on it: the certificate must belong to
    /// a listed party, and that party must be the one the message claims to come from. Returns the registry code.
    public func authenticate(claimedFrom: String, peer: PeerIdentity) -> Result<String, PeerAuthenticationError> {
        switch entry(for: peer) {
        case .failure(let error):
            return .failure(error)
        case .success(let entry) where entry.registryCode == claimedFrom:
            return .success(entry.registryCode)
        case .success(let entry):
            return .failure(.claimedSenderMismatch(claimed: claimedFrom, certified: entry.registryCode))
        }
    }
}

/// Why a directory could not be built.
public enum PeerDirectoryError: Error, Hashable, Sendable, CustomStringConvertible {
    case emptyRegistryCode
    case duplicateRegistryCode(String)
    case duplicateIdentity(PeerDirectory.ExpectedIdentity)

    public var description: String {
        switch self {
        case .emptyRegistryCode: "peer directory entry with an empty registry code"
        case .duplicateRegistryCode(let code): "registry code \(code) is listed twice in the peer directory"
        case .duplicateIdentity(let identity): "certificate identity \(identity) is listed for two registries"
        }
    }
}

/// Why an inbound message was not accepted as coming from the party it names.
public enum PeerAuthenticationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The certificate is valid (it chains to our CA) but names no party in the directory.
    case unknownIdentity(PeerIdentity)
    /// The certificate carries names of more than one party; trusting either would be a guess.
    case ambiguousIdentity(PeerIdentity, [String])
    /// The message says it is from `claimed`, the certificate belongs to `certified`.
    case claimedSenderMismatch(claimed: String, certified: String)

    public var description: String {
        switch self {
        case .unknownIdentity(let peer): "certificate \(peer) belongs to no registry in the peer directory"
        case .ambiguousIdentity(let peer, let codes):
            "certificate \(peer) matches several registries: \(codes.joined(separator: ", "))"
        case .claimedSenderMismatch(let claimed, let certified):
            "message claims to come from \(claimed) but the certificate belongs to \(certified)"
        }
    }
}
