import Foundation

/// The rules every free-text field of the platform follows: trimmed, bounded, no control characters (they would
/// end up in the registry's records, attestations and e-mails).
enum FieldRules {
    /// Checks a text field and returns it trimmed.
    static func text(_ value: String, field: String, maxLength: Int, required: Bool = true) throws(PlatformError)
        -> String
    {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if required && trimmed.isEmpty { throw .invalidInput(field: field, "is required") }
        guard trimmed.count <= maxLength else {
            throw .invalidInput(field: field, "is longer than \(maxLength) characters")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidInput(field: field, "contains control characters")
        }
        return trimmed
    }

    /// A deliverable-looking address: `local@domain.tld`, RFC 5321 lengths, DNS labels in the domain. Nothing more
    /// is promised; the address only receives the order link.
    static func email(_ value: String) throws(PlatformError) -> String {
        let address = value.trimmingCharacters(in: .whitespacesAndNewlines)
        let field = "email"
        guard !address.isEmpty else { throw .invalidInput(field: field, "is required") }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, address.utf8.count <= 254 else {
            throw .invalidInput(field: field, "'\(address)' is not an e-mail address (name@example.org)")
        }
        let local = parts[0]
        let domain = parts[1]
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
        guard !local.isEmpty, local.utf8.count <= 64, local.allSatisfy({ localAllowed.contains($0) }),
            !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..")
        else { throw .invalidInput(field: field, "'\(address)' has an invalid name before the @") }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let labelAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        guard labels.count >= 2,
            labels.allSatisfy({ label in
                (1...63).contains(label.utf8.count) && label.allSatisfy { labelAllowed.contains($0) }
                    && !label.hasPrefix("-") && !label.hasSuffix("-")
            }),
            let last = labels.last, last.allSatisfy(\.isLetter)
        else { throw .invalidInput(field: field, "'\(address)' has an invalid domain after the @") }
        return address
    }
}
