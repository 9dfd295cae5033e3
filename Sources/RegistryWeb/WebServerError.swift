/// Why a public listener could not start.
public enum WebServerError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidPort(Int)
    case invalidLimits(String)
    case cannotBind(host: String, port: Int, String)

    public var description: String {
        switch self {
        case .invalidPort(let port): "web listener port \(port) is outside 0...65535"
        case .invalidLimits(let problem): "web listener limits are unusable: \(problem)"
        case .cannotBind(let host, let port, let detail): "web listener cannot bind \(host):\(port): \(detail)"
        }
    }
}
