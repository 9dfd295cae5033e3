/// Why a posted form (or a query string) could not be read; each case names the field or the part at fault.
public enum FormDataError: Error, Hashable, Sendable, CustomStringConvertible {
    case notFormEncoded(contentType: String?)
    case malformedName(String, String)
    case malformedValue(field: String, String)
    case missingField(String)
    case emptyField(String)
    case repeatedField(String)

    public var description: String {
        switch self {
        case .notFormEncoded(let type):
            "the request body is \(type.map { "'\($0)'" } ?? "of no declared type"), "
                + "expected application/x-www-form-urlencoded"
        case .malformedName(let name, let reason): "form field name '\(name)' is malformed: \(reason)"
        case .malformedValue(let field, let reason): "form field '\(field)' is malformed: \(reason)"
        case .missingField(let field): "form field '\(field)' is missing"
        case .emptyField(let field): "form field '\(field)' is empty"
        case .repeatedField(let field): "form field '\(field)' is given more than once"
        }
    }
}
