import Foundation
import RegistryCore

/// A block as the admin endpoints show and take it: flat, with the serial range as `first`/`last` and DES codes
/// for unit type and commitment periods, so a test harness in any language can compare holdings field by field.
public struct AdminBlock: Codable, Hashable, Sendable {
    public var originatingRegistry: String
    public var first: Int64
    public var last: Int64
    public var unitType: Int
    public var supplementaryUnitType: Int?
    public var originalCommitmentPeriod: Int
    public var applicableCommitmentPeriod: Int
    public var lulucfActivity: Int?
    public var project: Int?
    public var track: Int?
    /// YYYY-MM-DD, tCER/lCER only.
    public var expiryDate: String?
    /// ITL holdings only: the registry holding the block.
    public var holder: String?
    /// ITL holdings only: the units were cancelled where they are.
    public var cancelled: Bool?
    /// Registry holdings only: the block is reserved by a proposal of this registry (still held until debited).
    public var reservedBy: String?

    public init(_ block: UnitBlock, holder: RegistryCode? = nil, cancelled: Bool? = nil, reservedBy: String? = nil) {
        let attributes = block.attributes
        originatingRegistry = attributes.originatingRegistry.rawValue
        first = block.range.start
        last = block.range.end
        unitType = attributes.unitType.rawValue
        supplementaryUnitType = attributes.supplementaryUnitType
        originalCommitmentPeriod = attributes.originalCommitmentPeriod.rawValue
        applicableCommitmentPeriod = attributes.applicableCommitmentPeriod.rawValue
        lulucfActivity = attributes.lulucfActivity
        project = attributes.project
        track = attributes.track
        expiryDate = attributes.expiryDate?.description
        self.holder = holder?.rawValue
        self.cancelled = cancelled
        self.reservedBy = reservedBy
    }

    /// The block this describes; the error names the first field that is wrong (`index` locates it in a list).
    public func unitBlock(index: Int) throws(AdminInputError) -> UnitBlock {
        let place = "blocks[\(index)]"
        let registry: RegistryCode
        do { registry = try RegistryCode(originatingRegistry) } catch {
            throw AdminInputError("\(place).originatingRegistry: \(error)")
        }
        guard let type = UnitType(rawValue: unitType) else {
            throw AdminInputError("\(place).unitType \(unitType) is not a DES unit type (1-7)")
        }
        guard let original = CommitmentPeriod(rawValue: originalCommitmentPeriod) else {
            throw AdminInputError("\(place).originalCommitmentPeriod \(originalCommitmentPeriod) is not 0, 1 or 2")
        }
        guard let applicable = CommitmentPeriod(rawValue: applicableCommitmentPeriod) else {
            throw AdminInputError("\(place).applicableCommitmentPeriod \(applicableCommitmentPeriod) is not 0, 1 or 2")
        }
        let range: SerialRange
        do { range = try SerialRange(first, last) } catch { throw AdminInputError("\(place) first/last: \(error)") }
        var expiry: CalendarDate?
        if let expiryDate {
            do { expiry = try CalendarDate(parsing: expiryDate) } catch {
                throw AdminInputError("\(place).expiryDate: \(error)")
            }
        }
        return UnitBlock(
            range: range,
            attributes: UnitAttributes(
                originatingRegistry: registry, unitType: type, supplementaryUnitType: supplementaryUnitType,
                originalCommitmentPeriod: original, applicableCommitmentPeriod: applicable,
                lulucfActivity: lulucfActivity, project: project, track: track, expiryDate: expiry))
    }
}

/// Bad input to an admin endpoint: answered with 400 and this message, nothing changed.
public struct AdminInputError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

enum AdminJSON {
    /// Decodes a request body; the error says which key is missing or has the wrong type.
    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws(AdminInputError) -> T {
        guard !body.isEmpty else { throw AdminInputError("request body is empty; a JSON object is expected") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let error as DecodingError {
            throw AdminInputError(describe(error))
        } catch {
            throw AdminInputError("request body is not valid JSON: \(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ key: CodingKey? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "body" : text)
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing key '\(path(context, key))'"
        case .typeMismatch(let type, let context): return "'\(path(context))' should be \(type)"
        case .valueNotFound(let type, let context): return "'\(path(context))' is null, \(type) expected"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "request body is not valid JSON" : "'\(path(context))': \(context.debugDescription)"
        @unknown default: return "request body could not be read: \(error)"
        }
    }

    /// A registry code from a path segment or query value.
    static func registry(_ text: String, _ name: String) throws(AdminInputError) -> RegistryCode {
        do { return try RegistryCode(text) } catch { throw AdminInputError("\(name): \(error)") }
    }

    static func transaction(_ text: String) throws(AdminInputError) -> TransactionIdentifier {
        do { return try TransactionIdentifier(text) } catch {
            throw AdminInputError("transaction identifier: \(error)")
        }
    }
}
