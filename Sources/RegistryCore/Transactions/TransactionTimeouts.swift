/// How long a transaction may stay without a final status, and what happens then.
///
/// DES practice: an unanswered proposal is cancelled (7) after 24 hours. Before giving up we ask the ITL
/// `getTransactionStatus`, because a lost notification must not make us cancel what the ITL completed.
public struct TransactionTimeouts: Hashable, Sendable, Codable {
    /// From the proposal (or our answer to an incoming one) until we ask the ITL for the status.
    public let untilStatusQuery: Duration
    /// From the status query until we cancel (7) and release the reservation.
    public let afterStatusQuery: Duration
    /// Whether a cancellation (timeout or operator) is reported to the ITL with a status 7 notification.
    public let reportsCancellationToITL: Bool

    /// 24 hours (DES practice), then one more hour after asking the ITL, reporting cancellations.
    public static let standard = TransactionTimeouts(
        checkedUntilStatusQuery: .seconds(86_400), afterStatusQuery: .seconds(3_600), reportsCancellationToITL: true)

    public init(
        untilStatusQuery: Duration = .seconds(86_400), afterStatusQuery: Duration = .seconds(3_600),
        reportsCancellationToITL: Bool = true
    ) throws(TransactionTimeoutsError) {
        guard untilStatusQuery > .zero else { throw .notPositive(field: "untilStatusQuery", untilStatusQuery) }
        guard afterStatusQuery > .zero else { throw .notPositive(field: "afterStatusQuery", afterStatusQuery) }
        self.init(
            checkedUntilStatusQuery: untilStatusQuery, afterStatusQuery: afterStatusQuery,
            reportsCancellationToITL: reportsCancellationToITL)
    }

    private init(checkedUntilStatusQuery: Duration, afterStatusQuery: Duration, reportsCancellationToITL: Bool) {
        self.untilStatusQuery = checkedUntilStatusQuery
        self.afterStatusQuery = afterStatusQuery
        self.reportsCancellationToITL = reportsCancellationToITL
    }

    private enum CodingKeys: String, CodingKey {
        case untilStatusQuery, afterStatusQuery, reportsCancellationToITL
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(
                untilStatusQuery: container.decode(Duration.self, forKey: .untilStatusQuery),
                afterStatusQuery: container.decode(Duration.self, forKey: .afterStatusQuery),
                reportsCancellationToITL: container.decode(Bool.self, forKey: .reportsCancellationToITL))
        } catch let error as TransactionTimeoutsError {
            throw DecodingError.dataCorruptedError(
                forKey: .untilStatusQuery, in: container, debugDescription: error.description)
        }
    }
}

public enum TransactionTimeoutsError: Error, Hashable, Sendable, CustomStringConvertible {
    case notPositive(field: String, Duration)

    public var description: String {
        switch self {
        case .notPositive(let field, let value): "transaction timeout \(field) must be positive, got \(value)"
        }
    }
}
