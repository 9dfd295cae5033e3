import Foundation

/// The canonical JSON of an attestation: sorted keys, no whitespace, `/` unescaped, dates as
/// `AttestationTime.iso8601`, absent optionals left out, and `<` written `\u003c` so that the text can sit inside
/// an HTML `<script>` element without ending it.
///
/// Canonical because the verifier re-encodes what it decoded and demands the same bytes: data that only decodes
/// to the same values (other key order, spacing, escapes) is not the data that was signed.
enum AttestationJSON {
    static func encode(_ attestation: Attestation) throws(AttestationError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(AttestationTime.iso8601(date))
        }
        let data: Data
        do { data = try encoder.encode(attestation) } catch {
            throw .malformedData("the attestation cannot be encoded: \(error)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .malformedData("the attestation's JSON is not UTF-8")
        }
        return text.replacingOccurrences(of: "<", with: "\\u003c")
    }

    static func decode(_ text: String) throws(AttestationError) -> Attestation {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = AttestationTime.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not a UTC time like 2026-11-28T11:30:17Z")
            }
            return date
        }
        do { return try decoder.decode(Attestation.self, from: Data(text.utf8)) } catch let error as DecodingError {
            throw .malformedData(describe(error))
        } catch {
            throw .malformedData("\(error)")
        }
    }

    /// A decoding error as "at blocks[0].quantity: ..." rather than Foundation's debug dump.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "top level" : text)
        }
        switch error {
        case .dataCorrupted(let context): return "at \(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "at \(path(context.codingPath)): missing field '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "at \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
