/// Headers every answer of a public listener carries, whatever the handler returned.
enum WebSecurityHeaders {
    /// No scripts at all, styles only inline or from this origin, forms post only here, never framed
    /// (clickjacking of the cancellation platform's buy button).
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; "
        + "frame-ancestors 'none'"

    static let all: [(String, String)] = [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Content-Security-Policy", contentSecurityPolicy),
        ("X-Frame-Options", "DENY"),
    ]

    /// `headers` plus each security header the handler did not set itself (a handler may tighten one).
    static func adding(to headers: [(String, String)]) -> [(String, String)] {
        var result = headers
        for (name, value) in all where !headers.contains(where: { $0.0.lowercased() == name.lowercased() }) {
            result.append((name, value))
        }
        return result
    }
}
