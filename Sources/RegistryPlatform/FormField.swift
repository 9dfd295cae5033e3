import RegistryWeb

/// One labelled form control, with its error message next to it and tied to it by `aria-describedby`, so a screen
/// reader announces the problem when the field gets focus (WCAG 3.3.1).
struct FormField {
    var name: String
    var label: String
    var value: String
    /// An error message for this field, shown after it.
    var error: String?
    /// Help text shown under the label.
    var hint: String?

    init(_ name: String, label: String, value: String?, error: String? = nil, hint: String? = nil) {
        self.name = name
        self.label = label
        self.value = value ?? ""
        self.error = error
        self.hint = hint
    }

    private var describedBy: String {
        var ids: [String] = []
        if hint != nil { ids.append("\(name)-hint") }
        if error != nil { ids.append("\(name)-error") }
        return ids.isEmpty ? "" : " aria-describedby=\"\(ids.joined(separator: " "))\""
    }

    private var around: (String, String) {
        var before = "<div class=\"field\"><label for=\"\(name)\">\(HTML.escape(label))</label>"
        if let hint { before += "<br><span id=\"\(name)-hint\">\(HTML.escape(hint))</span>" }
        before += "<br>"
        var after = ""
        if let error {
            after += "<p id=\"\(name)-error\" class=\"error\">\(HTML.escape(error))</p>"
        }
        return (before, after + "</div>")
    }

    /// The message above a form: the error itself when it names no field, else a pointer to the marked field.
    static func summary(_ error: PlatformError?) -> String {
        guard let error else { return "" }
        let text = error.field == nil ? error.description : "Please correct the field marked below."
        return "<p class=\"error\" role=\"alert\">\(HTML.escape(text))</p>"
    }

    /// `<input>`; `attributes` are trusted markup (type, inputmode, required, min...).
    func input(_ attributes: String = "type=\"text\"") -> String {
        let invalid = error == nil ? "" : " aria-invalid=\"true\""
        let (before, after) = around
        return before
            + "<input id=\"\(name)\" name=\"\(name)\" \(attributes) value=\"\(HTML.escape(value))\"\(describedBy)"
            + "\(invalid)>" + after
    }

    /// `<select>` with an empty "any" choice first when `any` is given; options are (value, label).
    func select(_ options: [(String, String)], any: String? = nil) -> String {
        let invalid = error == nil ? "" : " aria-invalid=\"true\""
        var markup = "<select id=\"\(name)\" name=\"\(name)\"\(describedBy)\(invalid)>"
        if let any { markup += "<option value=\"\"\(value.isEmpty ? " selected" : "")>\(HTML.escape(any))</option>" }
        for (optionValue, optionLabel) in options {
            let selected = optionValue == value ? " selected" : ""
            markup +=
                "<option value=\"\(HTML.escape(optionValue))\"\(selected)>\(HTML.escape(optionLabel))</option>"
        }
        let (before, after) = around
        return before + markup + "</select>" + after
    }
}
