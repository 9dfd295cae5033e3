import Foundation
import RegistryCore

/// A value carried as the text of one element, with its XML Schema type (`xsi:type="xsd:<xsdType>"`).
///
/// In this module `Int` is xsd:int (32-bit range enforced) and `Int64` is xsd:long, as common.wsdl declares them.
public protocol DESScalar: Hashable, Sendable {
    /// The XML Schema built-in type the WSDL gives elements of this value.
    static var xsdType: String { get }
    /// Parses the element text; throws `.invalidValue` or `.invalidDomainValue` without a path (the reader adds it).
    static func parseDES(_ text: ArraySlice<UInt8>) throws(DESError) -> Self
    /// Appends the lexical form, XML-escaped.
    func writeDES(into output: inout [UInt8])
}

enum DESLexical {
    /// xsd:int, xsd:long and friends collapse whitespace (XML Schema part 2, whiteSpace facet).
    static func trimmed(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = text
        while let first = slice.first, SOAPArenaBuilder.isXMLWhitespace(first) { slice = slice.dropFirst() }
        while let last = slice.last, SOAPArenaBuilder.isXMLWhitespace(last) { slice = slice.dropLast() }
        return slice
    }

    static func quoted(_ text: ArraySlice<UInt8>) -> String {
        let limit = 40
        let shown = String(decoding: text.prefix(limit), as: UTF8.self)
        return "'\(shown)\(text.count > limit ? "..." : "")'"
    }

    /// Parses an optionally signed decimal integer without overflow traps.
    static func integer(_ text: ArraySlice<UInt8>, typeName: String) throws(DESError) -> Int64 {
        let slice = trimmed(text)
        var negative = false
        var digits = slice
        if let sign = digits.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { throw DESError(.invalidValue, "\(quoted(text)) is not \(typeName)") }
        var value: Int64 = 0
        for byte in digits {
            guard byte >= 48 && byte <= 57 else { throw DESError(.invalidValue, "\(quoted(text)) is not \(typeName)") }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let digit = Int64(byte - 48)
            let (next, overflow2) =
                negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else {
                throw DESError(.invalidValue, "\(quoted(text)) is not \(typeName) (out of range)")
            }
            value = next
        }
        return value
    }

    static func appendEscaped(_ string: String, into output: inout [UInt8], attribute: Bool = false) {
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "&"): output.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): output.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): output.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\"") where attribute: output.append(contentsOf: "&quot;".utf8)
            case 0x0D: output.append(contentsOf: "&#13;".utf8)
            case 0x09, 0x0A: output.append(byte)
            // XML 1.0 cannot carry other C0 controls at all; they are sent as U+FFFD.
            case 0x00..<0x20: output.append(contentsOf: [0xEF, 0xBF, 0xBD])
            default: output.append(byte)
            }
        }
    }

    static func appendDecimal(_ value: Int64, into output: inout [UInt8]) {
        if value == 0 {
            output.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        var digits: [UInt8] = []
        digits.reserveCapacity(20)
        while magnitude > 0 {
            digits.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        if value < 0 { output.append(UInt8(ascii: "-")) }
        output.append(contentsOf: digits.reversed())
    }
}

extension String: DESScalar {
    public static var xsdType: String { "string" }
    public static func parseDES(_ text: ArraySlice<UInt8>) throws(DESError) -> String {
        String(decoding: text, as: UTF8.self)
    }
    public func writeDES(into output: inout [UInt8]) { DESLexical.appendEscaped(self, into: &output) }
}

extension Int: DESScalar {
    public static var xsdType: String { "int" }
    public static func parseDES(_ text: ArraySlice<UInt8>) throws(DESError) -> Int {
        let value = try DESLexical.integer(text, typeName: "an int")
        guard value >= Int64(Int32.min), value <= Int64(Int32.max) else {
            throw DESError(.invalidValue, "\(DESLexical.quoted(text)) is not an int (out of 32-bit range)")
        }
        return Int(value)
    }
    public func writeDES(into output: inout [UInt8]) { DESLexical.appendDecimal(Int64(self), into: &output) }
}

extension Int64: DESScalar {
    public static var xsdType: String { "long" }
    public static func parseDES(_ text: ArraySlice<UInt8>) throws(DESError) -> Int64 {
        try DESLexical.integer(text, typeName: "a long")
    }
    public func writeDES(into output: inout [UInt8]) { DESLexical.appendDecimal(self, into: &output) }
}

extension Date: DESScalar {
    public static var xsdType: String { "dateTime" }
    public static func parseDES(_ text: ArraySlice<UInt8>) throws(DESError) -> Date {
        try DESDateTime.parse(text)
    }
    public func writeDES(into output: inout [UInt8]) { DESDateTime.write(self, into: &output) }
}

extension CalendarDate: DESScalar {
    public static var xsdType: String { "date" }
    public static func parseDES(_ text: ArraySlice<UInt8>) throws(DESError) -> CalendarDate {
        let string = String(decoding: DESLexical.trimmed(text), as: UTF8.self)
        do { return try CalendarDate(parsing: string) } catch {
            throw DESError(.invalidValue, "\(DESLexical.quoted(text)) is not a date (YYYY-MM-DD)")
        }
    }
    public func writeDES(into output: inout [UInt8]) { output.append(contentsOf: description.utf8) }
}

extension RegistryCode: DESScalar {
    public static var xsdType: String { "string" }
    public static func parseDES(_ text: ArraySlice<UInt8>) throws(DESError) -> RegistryCode {
        do { return try RegistryCode(String(decoding: text, as: UTF8.self)) } catch {
            throw DESError(.invalidDomainValue, "\(error)")
        }
    }
    public func writeDES(into output: inout [UInt8]) { DESLexical.appendEscaped(rawValue, into: &output) }
}

extension TransactionIdentifier: DESScalar {
    public static var xsdType: String { "string" }
    public static func parseDES(_ text: ArraySlice<UInt8>) throws(DESError) -> TransactionIdentifier {
        do { return try TransactionIdentifier(String(decoding: text, as: UTF8.self)) } catch {
            throw DESError(.invalidDomainValue, "\(error)")
        }
    }
    public func writeDES(into output: inout [UInt8]) { DESLexical.appendEscaped(rawValue, into: &output) }
}

/// Int-coded DES enumerations: an int on the wire that must be one of the known codes.
protocol DESCodedInt: DESScalar, RawRepresentable where RawValue == Int {
    static var codeDescription: String { get }
}

extension DESCodedInt {
    public static var xsdType: String { "int" }
    public static func parseDES(_ text: ArraySlice<UInt8>) throws(DESError) -> Self {
        let code = try Int.parseDES(text)
        guard let value = Self(rawValue: code) else {
            throw DESError(.invalidDomainValue, "\(code) is not \(codeDescription)")
        }
        return value
    }
    public func writeDES(into output: inout [UInt8]) { rawValue.writeDES(into: &output) }
}

extension UnitType: DESCodedInt {
    static var codeDescription: String { "a unit type (1...7)" }
}

extension CommitmentPeriod: DESCodedInt {
    static var codeDescription: String { "a commitment period (0, 1 or 2)" }
}

extension TransactionType: DESCodedInt {
    static var codeDescription: String { "a transaction type (1...8 or 10)" }
}

extension TransactionStatus: DESCodedInt {
    static var codeDescription: String { "a transaction status (1...8)" }
}

extension AccountType: DESCodedInt {
    static var codeDescription: String { "an account type" }
}
