import Foundation

/// An ISO 4217 alphabetic currency code (three upper-case letters). Only the form is checked: which currencies a
/// seller may ask for is the payment provider's business, not the registry's.
public struct CurrencyCode: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(_ text: String) throws(PlatformError) {
        guard text.utf8.count == 3, text.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            throw .invalidInput(field: "currency", "'\(text)' is not an ISO 4217 currency code (three capital letters)")
        }
        rawValue = text
    }

    /// Digits after the decimal point of the currency's minor unit (ISO 4217 list); 2 for all others.
    public var minorUnitDigits: Int {
        if Self.noMinorUnit.contains(rawValue) { return 0 }
        if Self.threeDigitMinorUnit.contains(rawValue) { return 3 }
        return 2
    }

    public var description: String { rawValue }

    private static let noMinorUnit: Set<String> = [
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF",
        "XOF", "XPF",
    ]
    private static let threeDigitMinorUnit: Set<String> = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]
}

/// An amount in a currency's minor units (cents): integers, so totals never drift and never round.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    public var minorUnits: Int64
    public var currency: CurrencyCode

    public init(minorUnits: Int64, currency: CurrencyCode) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Parses a decimal amount as people type it ("12", "12.5", "12.50") in `currency`; `field` names the input in
    /// the error.
    public init(parsing text: String, currency: CurrencyCode, field: String) throws(PlatformError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        let digits = currency.minorUnitDigits
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 15,
            parts[0].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { throw .invalidInput(field: field, "'\(text)' is not an amount (for example 12.50)") }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= digits, fraction.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            parts.count == 1 || !fraction.isEmpty
        else {
            throw .invalidInput(field: field, "'\(text)' has more than \(digits) decimals for \(currency)")
        }
        let padded = fraction + String(repeating: "0", count: digits - fraction.count)
        guard let whole = Int64(parts[0]), let minor = Int64(padded.isEmpty ? "0" : padded) else {
            throw .invalidInput(field: field, "'\(text)' is not an amount (for example 12.50)")
        }
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: scale)
        let (total, overflow2) = scaled.addingReportingOverflow(minor)
        guard !overflow, !overflow2 else { throw .invalidInput(field: field, "'\(text)' is too large an amount") }
        self.init(minorUnits: total, currency: currency)
    }

    /// `price x quantity`, or nil when it does not fit (refused rather than trapped: the input comes from buyers).
    public func times(_ quantity: Int64) -> Money? {
        let (product, overflow) = minorUnits.multipliedReportingOverflow(by: quantity)
        return overflow ? nil : Money(minorUnits: product, currency: currency)
    }

    /// The amount with its decimals, without the currency: "1234.50".
    public var decimalText: String {
        let digits = currency.minorUnitDigits
        let negative = minorUnits < 0
        let magnitude = minorUnits.magnitude
        guard digits > 0 else { return (negative ? "-" : "") + String(magnitude) }
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        let fraction = String(magnitude % scale)
        let padded = String(repeating: "0", count: digits - fraction.count) + fraction
        return (negative ? "-" : "") + "\(magnitude / scale).\(padded)"
    }

    /// "USD 1234.50": the code first, unambiguous for every currency.
    public var description: String { "\(currency) \(decimalText)" }
}
