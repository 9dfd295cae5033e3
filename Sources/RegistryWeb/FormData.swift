/// A decoded `application/x-www-form-urlencoded` body: the only form encoding the public pages post.
public struct FormData: Sendable, Hashable {
    /// Fields in the order they were posted; a name may repeat (checkboxes).
    public let fields: [Field]

    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
    }

    /// Decodes raw body bytes (`+` is a space, `%XX` escapes must be valid and decode to UTF-8).
    public init(body: some Collection<UInt8>) throws(FormDataError) {
        fields = try URLEncoding.pairs(body).map { Field(name: $0.0, value: $0.1) }
    }

    /// Decodes a request's body after checking it declares the form encoding (a JSON or multipart body is refused).
    public init(request: WebRequest) throws(FormDataError) {
        let contentType = request.header("content-type")
        let mediaType = contentType?.split(separator: ";").first?.trimmingWhitespace().lowercased()
        guard mediaType == "application/x-www-form-urlencoded" else {
            throw .notFormEncoded(contentType: contentType)
        }
        try self.init(body: request.body)
    }

    /// The value of a field given at most once, or nil when absent.
    public func value(_ name: String) throws(FormDataError) -> String? {
        let matching = fields.filter { $0.name == name }
        guard matching.count <= 1 else { throw .repeatedField(name) }
        return matching.first?.value
    }

    /// Every value of a repeatable field, in order.
    public func values(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    /// A field that must be present once and not blank; its value trimmed of surrounding white space.
    public func required(_ name: String) throws(FormDataError) -> String {
        guard let value = try value(name) else { throw .missingField(name) }
        let trimmed = value.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .emptyField(name) }
        return trimmed
    }
}

extension StringProtocol {
    /// Leading and trailing spaces, tabs and line breaks removed (no Foundation needed).
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
