/// Why the paging parameters of a request were refused (answered 400).
public enum PaginationError: Error, Hashable, Sendable, CustomStringConvertible {
    case notAPositiveInteger(parameter: String, value: String)
    case perPageTooLarge(Int, maximum: Int)

    public var description: String {
        switch self {
        case .notAPositiveInteger(let parameter, let value):
            "query parameter '\(parameter)' must be a whole number of 1 or more, not '\(value)'"
        case .perPageTooLarge(let value, let maximum):
            "query parameter 'perPage' is \(value), the largest page is \(maximum) rows"
        }
    }
}
