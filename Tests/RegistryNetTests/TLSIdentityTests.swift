import Foundation
import RegistryNet
import RegistryTestSupport
import Testing

@Suite("TLS identity loading: each problem names the file")
struct TLSIdentityTests {
    static let certificates = Result { try DevCertificates.make() }

    @Test func validFilesLoadAndCarryTheOwnIdentity() throws {
        let loaded = try Self.certificates.get().loaded("CDM")
        #expect(loaded.ownIdentity?.commonName == "CDM")
        #expect(loaded.trustRoots.count == 1)
    }

    @Test func missingFileIsNamed() throws {
        let certificates = try Self.certificates.get()
        var identity = certificates.identity("CDM")
        identity.trustedCAPath = certificates.path("nope.crt")
        let error = #expect(throws: TLSIdentityError.self) { try identity.load() }
        #expect(error?.problem == .missingFile(.trustedCA))
        #expect(error?.description.contains("nope.crt") == true)
    }

    @Test func keyOfAnotherPartyIsRejectedAsNotMatching() throws {
        let certificates = try Self.certificates.get()
        var identity = certificates.identity("CDM")
        identity.privateKeyPath = certificates.path("CH.key")
        let error = #expect(throws: TLSIdentityError.self) { try identity.load() }
        #expect(error?.problem == .keyDoesNotMatchCertificate(certificates.path("CDM.crt")))
        #expect(error?.path == certificates.path("CH.key"))
    }

    @Test func fileThatIsNotAKeyIsRejectedAsUnreadableKey() throws {
        let certificates = try Self.certificates.get()
        var identity = certificates.identity("CDM")
        identity.privateKeyPath = certificates.path("CDM.crt")
        let error = #expect(throws: TLSIdentityError.self) { try identity.load() }
        guard case .unreadableKey = error?.problem else {
            Issue.record("expected unreadableKey, got \(String(describing: error))")
            return
        }
    }

    @Test func keyInPlaceOfTheCertificateIsRejectedAsNoCertificate() throws {
        let certificates = try Self.certificates.get()
        var identity = certificates.identity("CDM")
        identity.certificatePath = certificates.path("CDM.key")
        let error = #expect(throws: TLSIdentityError.self) { try identity.load() }
        guard case .unparsableCertificate(.certificate, _) = error?.problem else {
            Issue.record("expected unparsableCertificate, got \(String(describing: error))")
            return
        }
    }
}
