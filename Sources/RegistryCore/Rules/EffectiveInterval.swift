import Foundation

/// When a rule applies: from `from` (inclusive) until `until` (exclusive); a missing bound is open.
///
/// Half-open so that consecutive rules (a suspension ending when operations resume) never overlap or leave a gap.
public struct EffectiveInterval: Hashable, Sendable, CustomStringConvertible {
    public let from: RuleInstant?
    public let until: RuleInstant?

    /// Nil when both bounds are given and `from` is not before `until` (an interval that never applies).
    public init?(from: RuleInstant?, until: RuleInstant?) {
        if let from, let until, !(from < until) { return nil }
        self.from = from
        self.until = until
    }

    public func contains(_ date: Date) -> Bool {
        if let from, date < from.date { return false }
        if let until, date >= until.date { return false }
        return true
    }

    public var description: String {
        switch (from, until) {
        case (let from?, let until?): "from \(from) until \(until)"
        case (let from?, nil): "since \(from)"
        case (nil, let until?): "until \(until)"
        case (nil, nil): "always"
        }
    }
}
