/// Matches an admin request against route patterns such as `accounts/*/holdings` (each `*` captures one segment),
/// and knows whether to answer an unmatched request with 405 (the path exists for another method) or 404.
struct AdminRouter {
    let request: AdminRequest
    private var pathMatchedOtherMethod = false

    init(_ request: AdminRequest) { self.request = request }

    /// The captured segments when method and pattern match, else nil.
    mutating func match(_ method: String, _ pattern: String) -> [String]? {
        let parts = pattern.split(separator: "/").map(String.init)
        guard parts.count == request.path.count else { return nil }
        var captures: [String] = []
        for (part, segment) in zip(parts, request.path) {
            if part == "*" {
                captures.append(segment)
            } else if part != segment {
                return nil
            }
        }
        guard method == request.method else {
            pathMatchedOtherMethod = true
            return nil
        }
        return captures
    }

    /// The answer when no route matched.
    var unmatched: AdminResponse {
        let path = "/" + request.path.joined(separator: "/")
        return pathMatchedOtherMethod
            ? .error(405, "method \(request.method) is not allowed on \(path)")
            : .error(404, "no admin route \(path)")
    }
}
