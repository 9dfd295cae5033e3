import Testing

@testable import RegistryCore

@Suite struct AccountIdentifierTests {
    @Test func formatAndParseRoundTrip() throws {
        let samples: [(RegistryCode, AccountType, Int64, Int)] = [
            (.cdm, .partyHolding, 1100, 0), (.cdm, .excessIssuanceCancellation, 2240, 2), ("CH", .pending, 1, 1),
            ("EU", .voluntaryCancellation, 999_999_999_999, 2), ("GB", .tCERReplacementExpiry, 0, 9),
        ]
        for (registry, type, id, period) in samples {
            let account = try AccountIdentifier(registry: registry, type: type, id: id, commitmentPeriod: period)
            #expect(try AccountIdentifier(parsing: account.description) == account)
            #expect(try AccountIdentifier(parsing: account.shortForm) == account)
            let digits = account.description.split(separator: "-").last.map(String.init)
            #expect(digits == account.checkDigits && account.checkDigits.count == 2)
        }
    }

    @Test func theAdaptationFundAccountHasItsPublishedForm() throws {
        #expect(AccountIdentifier.adaptationFund.shortForm == "CDM-100-1100-0")
        #expect(try AccountIdentifier(parsing: "CDM-100-1100-0") == .adaptationFund)
        let excess = AccountIdentifier.cdmTerminal(.excessIssuanceCancellation, period: .second)
        #expect(excess.shortForm == "CDM-240-2240-2")
    }

    @Test func checkDigitsSatisfyMod97() throws {
        let account = try AccountIdentifier(registry: .cdm, type: .partyHolding, id: 1100)
        // Letters as 10...35, then type, id, period and the check digits: the number is 1 modulo 97.
        let digits = "121322" + "100" + "1100" + "0" + account.checkDigits
        let remainder = digits.utf8.reduce(0) { ($0 * 10 + Int($1 - 48)) % 97 }
        #expect(remainder == 1)
    }

    @Test func wrongCheckDigitsNameTheExpectedOnes() throws {
        let account = try AccountIdentifier(registry: .cdm, type: .partyHolding, id: 5001)
        let right = account.checkDigits
        let wrong = right == "00" ? "01" : "00"
        let text = "\(account.shortForm)-\(wrong)"
        #expect(throws: AccountIdentifierError.wrongCheckDigits(text: text, expected: right)) {
            try AccountIdentifier(parsing: text)
        }
        let error = AccountIdentifierError.wrongCheckDigits(text: text, expected: right)
        #expect(error.description.contains("expected \(right)"))
    }

    @Test func malformedInputsAreRefused() {
        let cases: [(String, AccountIdentifierError)] = [
            ("", .malformed("")),
            ("CDM-100", .malformed("CDM-100")),
            ("CDM-100-1100-0-12-3", .malformed("CDM-100-1100-0-12-3")),
            ("cdm-100-1100-0", .badRegistry("cdm")),
            ("C-100-1100-0", .badRegistry("C")),
            ("CDM-10-1100-0", .badAccountType("10")),
            ("CDM-1x0-1100-0", .badAccountType("1x0")),
            ("CDM-100--0", .badIdentifier("")),
            ("CDM-100-+5-0", .badIdentifier("+5")),
            ("CDM-100-1234567890123456789-0", .badIdentifier("1234567890123456789")),
            ("CDM-100-1100-10", .badCommitmentPeriod("10")),
            ("CDM-100-1100-x", .badCommitmentPeriod("x")),
            ("CDM-100-1100-0-1", .malformed("CDM-100-1100-0-1")),
            ("CDM-100-1100-0-ab", .malformed("CDM-100-1100-0-ab")),
        ]
        for (text, error) in cases {
            #expect(throws: error, "\(text)") { try AccountIdentifier(parsing: text) }
        }
        #expect(throws: AccountIdentifierError.badIdentifier("-1")) {
            try AccountIdentifier(registry: .cdm, type: .partyHolding, id: -1)
        }
    }
}
