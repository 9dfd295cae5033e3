/// Why the public reports could not be opened over a store file.
public enum PublicReportsError: Error, Hashable, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, String)
    case notARegistryStore(path: String, String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let detail): "cannot open the registry store '\(path)' read-only: \(detail)"
        case .notARegistryStore(let path, let detail): "'\(path)' is not a usable registry store: \(detail)"
        }
    }
}
