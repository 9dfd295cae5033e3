import RegistryNet
import RegistryTestSupport
import Testing

@Suite("Peer directory: a certificate maps to one registry, and may only speak for that registry")
struct PeerDirectoryTests {
    static let certificates = Result { try DevCertificates.make() }

    static func directory() throws -> PeerDirectory {
        try PeerDirectory(entries: [
            .init(registryCode: "ITL", expectedIdentity: .commonName("ITL"), url: "https://itl.test/des"),
            .init(
                registryCode: "CDM", expectedIdentity: .subjectAlternativeName(.uri("urn:kyoto:registry:CDM")),
                url: "https://cdm.test/des"),
            .init(registryCode: "CH", expectedIdentity: .commonName("CH"), url: "https://ch.test/des"),
        ])
    }

    static func peer(cn: String?, uri: String? = nil) -> PeerIdentity {
        PeerIdentity(commonName: cn, subjectAlternativeNames: [.dns("localhost")] + (uri.map { [.uri($0)] } ?? []))
    }

    @Test func matchingClaimIsAcceptedWithTheRegistryCode() throws {
        let directory = try Self.directory()
        let result = directory.authenticate(claimedFrom: "CDM", peer: Self.peer(cn: "x", uri: "urn:kyoto:registry:CDM"))
        #expect(result == .success("CDM"))
        #expect(directory.entry(forRegistryCode: "ITL")?.isITL == true)
    }

    @Test func certificateOfCHClaimingToBeCDMIsRefused() throws {
        let result = try Self.directory().authenticate(claimedFrom: "CDM", peer: Self.peer(cn: "CH"))
        #expect(result == .failure(.claimedSenderMismatch(claimed: "CDM", certified: "CH")))
    }

    @Test func certificateNamingNoListedPartyIsRefused() throws {
        let stranger = Self.peer(cn: "GB", uri: "urn:kyoto:registry:GB")
        let result = try Self.directory().authenticate(claimedFrom: "GB", peer: stranger)
        #expect(result == .failure(.unknownIdentity(stranger)))
    }

    @Test func certificateNamingTwoPartiesIsRefusedAsAmbiguous() throws {
        let both = Self.peer(cn: "CH", uri: "urn:kyoto:registry:CDM")
        #expect(
            try Self.directory().authenticate(claimedFrom: "CH", peer: both)
                == .failure(.ambiguousIdentity(both, ["CDM", "CH"])))
    }

    @Test func directoryWithADuplicateCodeOrIdentityIsRejected() {
        #expect(throws: PeerDirectoryError.duplicateRegistryCode("CH")) {
            try PeerDirectory(entries: [
                .init(registryCode: "CH", expectedIdentity: .commonName("CH"), url: "https://a/des"),
                .init(registryCode: "CH", expectedIdentity: .commonName("CH2"), url: "https://b/des"),
            ])
        }
        #expect(throws: PeerDirectoryError.duplicateIdentity(.commonName("CH"))) {
            try PeerDirectory(entries: [
                .init(registryCode: "CH", expectedIdentity: .commonName("CH"), url: "https://a/des"),
                .init(registryCode: "LI", expectedIdentity: .commonName("CH"), url: "https://b/des"),
            ])
        }
    }

    /// End to end: the identity the server extracts from a real CH certificate fails the check for `from` = CDM.
    @Test func realCHCertificateClaimingCDMIsRefusedByTheServerSideCheck() async throws {
        let certificates = try Self.certificates.get()
        let directory = try Self.directory()
        let server = try await startServer(certificates, handler: AuthenticatingHandler(directory: directory))
        let client = DESHTTPSClient(identity: try certificates.loaded("CH"))

        let refused = await #expect(throws: DESClientError.self) {
            _ = try await client.send(to: url(server), soapAction: "x", body: Array("CDM".utf8))
        }
        let accepted = try await client.send(to: url(server), soapAction: "x", body: Array("CH".utf8))

        #expect(refused?.kind == .httpStatus(403))
        #expect(refused.map { String(decoding: $0.body, as: UTF8.self) }?.contains("belongs to CH") == true)
        #expect(accepted.body == Array("CH".utf8))
        try await client.shutdown()
        await server.shutdown()
    }
}

/// Plays the engine's part: the body is the claimed `from`; answers 403 when the certificate disagrees.
private struct AuthenticatingHandler: DESRequestHandler {
    let directory: PeerDirectory

    func handle(_ request: DESInboundRequest) async throws -> DESOutboundResponse {
        let claimed = String(decoding: request.body, as: UTF8.self)
        switch directory.authenticate(claimedFrom: claimed, peer: request.peer) {
        case .success(let code): return DESOutboundResponse(status: 200, body: Array(code.utf8))
        case .failure(let error):
            return DESOutboundResponse(status: 403, contentType: "text/plain", body: Array("\(error)".utf8))
        }
    }
}
