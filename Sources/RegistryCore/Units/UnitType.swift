/// Kyoto unit types with their DES codes (DOMAIN.md section 2).
public enum UnitType: Int, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case aau = 1
    case rmu = 2
    case eruFromAAU = 3
    case eruFromRMU = 4
    case cer = 5
    case tcer = 6
    case lcer = 7

    /// The units the CDM registry issues and holds.
    public var isCDMUnit: Bool { self == .cer || self == .tcer || self == .lcer }

    /// tCERs and lCERs expire and carry an expiry date and a LULUCF activity.
    public var isTemporary: Bool { self == .tcer || self == .lcer }

    public var description: String {
        switch self {
        case .aau: "AAU"
        case .rmu: "RMU"
        case .eruFromAAU: "ERU (from AAU)"
        case .eruFromRMU: "ERU (from RMU)"
        case .cer: "CER"
        case .tcer: "tCER"
        case .lcer: "lCER"
        }
    }
}

/// Kyoto commitment periods with their DES codes: 0 is the EU's 2005-2007 period, 1 is 2008-2012, 2 is 2013-2020.
public enum CommitmentPeriod: Int, Hashable, Sendable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    case euPilot = 0
    case first = 1
    case second = 2

    public static func < (lhs: CommitmentPeriod, rhs: CommitmentPeriod) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "CP\(rawValue)" }
}
