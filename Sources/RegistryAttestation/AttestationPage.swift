import RegistryCore

/// The HTML5 page of an attestation, everything before the signature line: made for printing on A4, readable
/// on screen, self-contained (no script that runs, no external resource) and accessible (language, title,
/// headings, a table with header scopes, black on white).
///
/// The verifier renders this page again from the embedded data and demands identical bytes, so any change to
/// this template changes the format: it must come with a new signature-line version, and the old template must
/// stay to verify documents already issued.
enum AttestationPage {
    static func render(_ attestation: Attestation, algorithm: AttestationAlgorithm, keyIdentifier: String)
        throws(AttestationError) -> String
    {
        let json = try AttestationJSON.encode(attestation)
        let a = attestation
        let e = HTMLText.escape
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Attestation of Voluntary Cancellation \(e(a.number))</title>
            <style>
            @page { size: A4; margin: 18mm 16mm 20mm 16mm; }
            html { background: #fff; color: #000; }
            body { font-family: "DejaVu Serif", "Liberation Serif", Georgia, serif; font-size: 11pt;
              line-height: 1.45; max-width: 178mm; margin: 0 auto; padding: 8mm 0; }
            header { border-bottom: 2pt solid #000; margin-bottom: 6mm; }
            .registry { font-size: 12pt; font-weight: bold; letter-spacing: 0.04em; margin: 0; }
            h1 { font-size: 19pt; margin: 2mm 0 1mm 0; }
            .number { font-size: 13pt; margin: 0 0 3mm 0; }
            h2 { font-size: 13pt; margin: 7mm 0 2mm 0; border-bottom: 0.75pt solid #000; }
            .statement { font-size: 12pt; }
            dl { display: grid; grid-template-columns: 48mm 1fr; gap: 1.5mm 4mm; margin: 0; }
            dt { font-weight: bold; }
            dd { margin: 0; overflow-wrap: anywhere; }
            .purpose { white-space: pre-line; }
            table { border-collapse: collapse; width: 100%; font-size: 9pt; line-height: 1.3; }
            caption { text-align: left; font-style: italic; padding-bottom: 1.5mm; }
            th, td { border: 0.75pt solid #000; padding: 0.8mm 1.2mm; text-align: left; vertical-align: top; }
            th { hyphens: auto; }
            thead th { background: #e8e8e8; }
            .n { text-align: right; font-variant-numeric: tabular-nums; }
            td.n { overflow-wrap: anywhere; }
            thead { display: table-header-group; }
            tr, dl, .statement { break-inside: avoid; }
            footer { margin-top: 8mm; font-size: 9pt; }
            code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; overflow-wrap: anywhere; }
            @media print { body { padding: 0; } thead th { background: #e8e8e8; print-color-adjust: exact; } }
            </style>
            <script type="application/json" id="attestation-data">\(json)</script>
            </head>
            <body>
            <header>
            <p class="registry">\(e(a.registryName))</p>
            <h1>Attestation of Voluntary Cancellation</h1>
            <p class="number">No. \(e(a.number))</p>
            </header>
            <main>
            <p class="statement">\(statement(a))</p>
            <h2>Cancellation</h2>
            <dl>

            """
        func item(_ term: String, _ value: String, style cssClass: String? = nil) {
            let attribute = cssClass.map { " class=\"\($0)\"" } ?? ""
            html += "<dt>\(term)</dt><dd\(attribute)>\(value)</dd>\n"
        }
        item("Attestation number", e(a.number))
        item("Issued", AttestationTime.display(a.issuedAt))
        item("Transaction", e(a.transaction.rawValue))
        item("Cancellation completed", AttestationTime.display(a.completedAt))
        item("Quantity", HTMLText.grouped(a.quantity))
        item(
            a.unitTypes.count == 1 ? "Unit type" : "Unit types", a.unitTypes.map(\.description).joined(separator: ", "))
        item(
            a.commitmentPeriods.count == 1 ? "Commitment period" : "Commitment periods",
            a.commitmentPeriods.map(periodText).joined(separator: "; "))
        item("Cancellation account", e(a.cancellationAccount.description))
        item("On behalf of", e(a.onBehalfOf))
        if let beneficiary = a.beneficiary { item("Beneficiary", e(beneficiary)) }
        if let purpose = a.purpose { item("Purpose", e(purpose), style: "purpose") }
        html += """
            </dl>
            <h2>Project</h2>
            <dl>
            <dt>Project number</dt><dd>\(a.project.number)</dd>
            <dt>Title</dt><dd>\(e(a.project.title))</dd>
            <dt>Host country</dt><dd>\(e(a.hostCountry.rawValue))</dd>
            </dl>
            <h2>Cancelled units</h2>
            <table>
            <caption>Serial blocks cancelled in transaction \(e(a.transaction.rawValue))</caption>
            <thead>
            <tr><th scope="col">Originating registry</th><th scope="col">Unit type</th>\
            <th scope="col">Supp. unit type</th><th scope="col">Original period</th>\
            <th scope="col">Applicable period</th><th scope="col">Project</th>\
            <th scope="col" class="n">First serial</th><th scope="col" class="n">Last serial</th>\
            <th scope="col" class="n">Quantity</th></tr>
            </thead>
            <tbody>

            """
        for block in a.blocks {
            html += "<tr><td>\(e(block.originatingRegistry.rawValue))</td><td>\(block.unitType)</td>"
            html += "<td>\(block.supplementaryUnitType.map(String.init) ?? "")</td>"
            html += "<td>\(block.originalCommitmentPeriod)</td><td>\(block.applicableCommitmentPeriod)</td>"
            html += "<td>\(block.project.map(String.init) ?? "")</td>"
            html += "<td class=\"n\">\(block.serialStart)</td><td class=\"n\">\(block.serialEnd)</td>"
            html += "<td class=\"n\">\(HTMLText.grouped(block.quantity))</td></tr>\n"
        }
        html += """
            </tbody>
            <tfoot>
            <tr><th scope="row" colspan="8">Total</th><td class="n">\(HTMLText.grouped(a.quantity))</td></tr>
            </tfoot>
            </table>
            </main>
            <footer>
            <h2>Verification</h2>
            <p>This attestation is signed electronically by the \(e(a.registryName)). The signature on the last \
            line of this file (algorithm \(algorithm.rawValue), key <code>\(keyIdentifier)</code>) covers every \
            byte before it, including the machine-readable copy of the facts above that the file carries. \
            Check it with the registry&#39;s published verification key; a printed copy is evidence only \
            together with the signed file.</p>
            </footer>
            </body>
            </html>

            """
        return html
    }

    /// "The CDM Registry attests that 1,000 CERs issued for CDM project 1234 ..." — the whole fact in one sentence.
    private static func statement(_ a: Attestation) -> String {
        let e = HTMLText.escape
        let units: String
        if a.unitTypes.count == 1, let type = a.unitTypes.first {
            units = "\(HTMLText.grouped(a.quantity)) \(type)\(a.quantity == 1 ? "" : "s")"
        } else {
            units = "\(HTMLText.grouped(a.quantity)) units (\(a.unitTypes.map(\.description).joined(separator: ", ")))"
        }
        var text = "The \(e(a.registryName)) attests that \(units) issued for CDM project \(a.project.number), "
        text += "&ldquo;\(e(a.project.title))&rdquo;, hosted by \(e(a.hostCountry.rawValue)), "
        text += "\(a.quantity == 1 ? "was" : "were") voluntarily "
        text += "cancelled on \(AttestationTime.display(a.completedAt)) on behalf of \(e(a.onBehalfOf))"
        if let beneficiary = a.beneficiary { text += " for the benefit of \(e(beneficiary))" }
        text += ", by transfer to the voluntary cancellation account \(e(a.cancellationAccount.description)) "
        text += "in transaction \(e(a.transaction.rawValue))."
        return text
    }

    private static func periodText(_ period: CommitmentPeriod) -> String {
        switch period {
        case .euPilot: "CP0 (2005-2007, EU)"
        case .first: "CP1 (2008-2012)"
        case .second: "CP2 (2013-2020)"
        }
    }
}
