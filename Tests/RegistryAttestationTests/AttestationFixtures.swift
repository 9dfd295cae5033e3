import Foundation
import RegistryCore

@testable import RegistryAttestation

/// Facts and keys the attestation tests share.
enum AttestationFixtures {
    static let project = AttestedProject(number: 1234, title: "Bujagali Hydropower Project")
    static let completedAt = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18T11:06:40Z
    static let issuedAt = Date(timeIntervalSince1970: 1_795_000_060.75)
    static let account = try! AccountIdentifier(
        registry: .cdm, type: .voluntaryCancellation, id: 1, commitmentPeriod: 0)

    static func block(
        _ start: Int64, _ end: Int64, type: UnitType = .cer, period: CommitmentPeriod = .second, project: Int? = 1234
    ) -> UnitBlock {
        UnitBlock(
            range: try! SerialRange(start, end),
            attributes: UnitAttributes(
                originatingRegistry: .cdm, unitType: type, supplementaryUnitType: 0,
                originalCommitmentPeriod: period, applicableCommitmentPeriod: period, project: project))
    }

    static func attestation(
        blocks: [UnitBlock] = [block(5_000_001, 5_000_600), block(7_100_001, 7_100_400, period: .first)],
        beneficiary: String? = "Ville de Genève", purpose: String? = "Offsetting the 2026 staff travel",
        onBehalfOf: String = "Example Climate Partners AG"
    ) throws -> Attestation {
        try Attestation(
            number: try Attestation.number(sequence: 42, year: 2026), issuedAt: issuedAt,
            transaction: try TransactionIdentifier("CDM1000217"), completedAt: completedAt, blocks: blocks,
            project: project, hostCountry: "UG", onBehalfOf: onBehalfOf, beneficiary: beneficiary,
            purpose: purpose, cancellationAccount: account, registryName: "CDM Registry")
    }

    /// Keys written by `openssl genpkey` / `openssl ecparam -genkey` (OpenSSL 3.0), for these tests only, with the
    /// key ids openssl computes: `openssl pkey -pubin -in pub.pem -outform DER | sha256sum | cut -c1-16`.
    static let opensslEd25519 = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEIAR1BScHWbSCERMzEz1Punwu1xfaa+JsA0L785SiXUo6
        -----END PRIVATE KEY-----

        """
    static let opensslEd25519Public = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEAOnh9m/3Sea0VquOaIyjYgI7oSEwgyVnrKCBZFhHUQbk=
        -----END PUBLIC KEY-----

        """
    static let opensslEd25519KeyIdentifier = "c0b50c5d23d1b02d"

    static let opensslP256 = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg46wHlgfimmTo8tYh
        aTW+INrdTVzocQaxuTouvyCe/9WhRANCAASwoLam7rvKSEG9ETJUs2WLad+Ljl0K
        ET9VciPT/FUYvmwVxvoaA5mk0k1cjXZGsWNVxD79vbCWakGrxTt8ClOn
        -----END PRIVATE KEY-----

        """
    static let opensslP256Public = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEsKC2pu67ykhBvREyVLNli2nfi45d
        ChE/VXIj0/xVGL5sFcb6GgOZpNJNXI12RrFjVcQ+/b2wlmpBq8U7fApTpw==
        -----END PUBLIC KEY-----

        """
    static let opensslP256KeyIdentifier = "38afb86298434231"

    /// `openssl ecparam -name prime256v1 -genkey`: an EC PARAMETERS block, then a SEC1 EC PRIVATE KEY.
    static let opensslSEC1 = """
        -----BEGIN EC PARAMETERS-----
        BggqhkjOPQMBBw==
        -----END EC PARAMETERS-----
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIAHys2ovVAZVw4dRJLGF0yIqost5bDO2dXNqJjZCS/wGoAoGCCqGSM49
        AwEHoUQDQgAENVyq73lRjDGDPfYtuBGyIE33dgQeWCYyP+RdJ2BBRVPA6T5n1fSI
        Rs4TIWh5o2tTBctxOBjH39eGyRl84DQQZw==
        -----END EC PRIVATE KEY-----

        """
    static let opensslSEC1KeyIdentifier = "fd7251306a864d7c"

    /// The message openssl signed, and its signatures: `openssl pkeyutl -sign -rawin` (Ed25519) and
    /// `openssl dgst -sha256 -sign` (P-256, DER).
    static let signedMessage = Array("attestation interop check\n".utf8)
    static let opensslEd25519Signature =
        "2bU9ztAZJnyfBHFNijF1DDJlAJs/Bzhotl1oqgu4/bg8++HBYnmuwYXoyaKDW72z9mCHXuCgPBCrKfTgVCx4BA=="
    static let opensslP256Signature =
        "MEQCIEIyXHcYXjn+FdUo1UfDbqZLb9rJkoDylUjuCquCW8T/AiAjZZ21Uk5k+QC7yXrqFyzClFGpSTIHt6M7HYq+NUtWUQ=="

    static let opensslP384 = """
        -----BEGIN EC PRIVATE KEY-----
        MIGkAgEBBDA5fXJUSrDycykol0lvh82imn8/izthMey7I+5dF1/pKTopBvdo/iB1
        5UiUq411dmSgBwYFK4EEACKhZANiAAT71O3kIqV4Ph9goDi46PNmJL24EHjuaszy
        lDg9MI64fEZdXoN3w680uiZxYsZNflPHmXg86Z6GDIPvrWCDVXrLzMeXdmTftnCi
        dbEMVki8DPVzEgPnkZQ2OPSDKjnta+U=
        -----END EC PRIVATE KEY-----

        """
    static let opensslRSA = """
        -----BEGIN PRIVATE KEY-----
        MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAOJ05OwBk8eks6Ok
        uEyszOFi/ybGBL7RnWJkwcPZWbLmmYBqoN2jZXad9VF0sEQLE5WAZtkEQ+m/olEj
        Vu1fpRwp1p9m5oFYY/0fkNUAjz/QoqNJlvkVymCBrD87WHKsbQkJfAzvoDpenGxv
        RabKm2RPpeK6C7l51ttm2IzVSZF3AgMBAAECgYBJOTD4Wv401L29UTrCmDFbQ45r
        NCY+qTqxoRDCShpl7Yh+7Ht9jyL0utii8Q85wTcg5TbcPzPSdkN+5uVptb6GBAfr
        s8VoeruBWgLtU61FAFvg4xU1KrqV4OJBYYkTV1trTUKcWaCZ4YGaFCnGQmn1GjSR
        wI/WFYR3xg/V4EjOCQJBAPWWMyw9mctQo3pIaVu85wviIfaijm8LCkG4M5WJ8g+9
        Rf9QYElu9JS/x8nX3mgF4JKz7XJHyD8bLL9K5yK1EaMCQQDsDwpeL/+y0Mj5ZZEf
        ZXTDiIVMjQcevCPqlxUDPpyiQjT/+cMXkcpcF3sON726THT8VgWyP7ArzpKiGPxT
        fEYdAkByWUxcdhZND6/+uQatm2htJQ6xWwE8/QP6k70ZDNDzuSqFdbRPnOUu+Zka
        B3RcNRha1oJh6sB3eby9GTBD/dFHAkEAsvNL9s8IVnR0hqv6cgSlmb2a38dhiGk0
        CRjzcvw6Hb93Ej4zKWD6OQoL3WFgUSS44roLo28ojG0TOBMc5eUl+QJAL+ntMsCr
        RULGdZL3EWWC+Ge8QA9pN7E8Rwe2t/GdoEh0sSVtuIpiVyeQcwTK27MnHIJDWN1d
        qT3pi1wRC3h1DQ==
        -----END PRIVATE KEY-----

        """
    static let opensslEncrypted = """
        -----BEGIN ENCRYPTED PRIVATE KEY-----
        MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAj7RHHBORYoqQICCAAw
        DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEFKD0pBqFqvOnzIIVYGORxMEQLHX
        BLgKkXYFdVy9E4LhQyGsKVrbJSpaIMj6L6szB3U7piDBGgzNHUeZKDF57dqghZ9/
        pyxyZnmg8DkVo40b3MM=
        -----END ENCRYPTED PRIVATE KEY-----

        """

    /// A fresh directory under the system's temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "attestation-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
