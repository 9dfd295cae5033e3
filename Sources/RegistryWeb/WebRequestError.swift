/// Why a request could not be turned into a `WebRequest`; answered 400 with this description.
public enum WebRequestError: Error, Hashable, Sendable, CustomStringConvertible {
    case unsupportedTarget(String)
    case malformedPath(String, String)
    case malformedQuery(FormDataError)

    public var description: String {
        switch self {
        case .unsupportedTarget(let target): "request target '\(target)' is not a path (it must start with /)"
        case .malformedPath(let segment, let reason): "path segment '\(segment)' is malformed: \(reason)"
        case .malformedQuery(let error): "query string: \(error)"
        }
    }
}
