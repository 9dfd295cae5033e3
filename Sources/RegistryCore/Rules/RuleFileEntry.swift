import Foundation

/// One JSON object of the rule file with the rule id and location its errors should name.
struct RuleFileEntry {
    let fields: [String: RuleFileValue]
    let ruleID: String?
    let location: String
    var fieldPrefix = ""

    init(_ value: RuleFileValue, ruleID: String?, location: String, fieldPrefix: String = "")
        throws(PeerRuleBookError)
    {
        guard case .object(let fields) = value else {
            let field = fieldPrefix.isEmpty ? nil : String(fieldPrefix.dropLast())
            throw PeerRuleBookError(
                ruleID: ruleID, location: location, field: field,
                problem: .wrongType(expected: "an object", found: value.typeName))
        }
        self.fields = fields
        self.ruleID = ruleID
        self.location = location
        self.fieldPrefix = fieldPrefix
    }

    func error(_ field: String, _ problem: PeerRuleBookError.Problem) -> PeerRuleBookError {
        PeerRuleBookError(ruleID: ruleID, location: location, field: fieldPrefix + field, problem: problem)
    }

    func allowOnly(_ known: Set<String>) throws(PeerRuleBookError) {
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw error(unknown, .unknownField)
        }
    }

    /// Present and not null.
    func has(_ field: String) -> Bool { value(field) != nil }

    func value(_ field: String) -> RuleFileValue? {
        guard let value = fields[field], value != .null else { return nil }
        return value
    }

    func string(_ field: String) throws(PeerRuleBookError) -> String {
        guard let value = value(field) else { throw error(field, .missingField) }
        guard case .string(let text) = value else {
            throw error(field, .wrongType(expected: "a string", found: value.typeName))
        }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw error(field, .empty) }
        return text
    }

    func integer(_ field: String) throws(PeerRuleBookError) -> Int {
        guard let value = value(field) else { throw error(field, .missingField) }
        return try integer(value, field)
    }

    private func integer(_ value: RuleFileValue, _ field: String) throws(PeerRuleBookError) -> Int {
        guard case .number(let number) = value, number.rounded() == number, abs(number) < 1e9 else {
            throw error(field, .wrongType(expected: "an integer", found: value.typeName))
        }
        return Int(number)
    }

    func array(_ field: String, required: Bool = true) throws(PeerRuleBookError) -> [RuleFileValue] {
        guard let value = value(field) else {
            if required { throw error(field, .missingField) }
            return []
        }
        guard case .array(let items) = value else {
            throw error(field, .wrongType(expected: "an array", found: value.typeName))
        }
        return items
    }

    /// A non-empty array of strings.
    func strings(_ field: String) throws(PeerRuleBookError) -> [String] {
        let items = try array(field)
        guard !items.isEmpty else { throw error(field, .empty) }
        var result: [String] = []
        for item in items {
            guard case .string(let text) = item else {
                throw error(field, .wrongType(expected: "an array of strings", found: "\(item.typeName) in it"))
            }
            result.append(text)
        }
        return result
    }

    /// A non-empty array of integers.
    func integers(_ field: String) throws(PeerRuleBookError) -> [Int] {
        let items = try array(field)
        guard !items.isEmpty else { throw error(field, .empty) }
        var result: [Int] = []
        for item in items { result.append(try integer(item, field)) }
        return result
    }

    /// An optional bound: absent or null means open.
    func instant(_ field: String) throws(PeerRuleBookError) -> RuleInstant? {
        guard let value = value(field) else { return nil }
        guard case .string(let text) = value else {
            throw error(field, .wrongType(expected: "a date-time string", found: value.typeName))
        }
        guard let instant = RuleInstant(parsing: text) else { throw error(field, .badDate(text)) }
        return instant
    }
}
