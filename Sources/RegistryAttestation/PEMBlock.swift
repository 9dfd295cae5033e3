import Foundation

/// One `-----BEGIN label-----` ... `-----END label-----` block of a PEM file (RFC 7468).
///
/// Key files hold several blocks at times (`openssl ecparam -genkey` writes `EC PARAMETERS` before the key), so a
/// file is read as a list of blocks and the caller picks the one it understands.
struct PEMBlock: Hashable, Sendable {
    let label: String
    let der: [UInt8]

    init(label: String, der: [UInt8]) {
        self.label = label
        self.der = der
    }

    /// Every block of `text`, in file order; text outside blocks (openssl's "explanatory text") is ignored.
    static func blocks(in text: String) throws(AttestationKeyError.Problem) -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var open: (label: String, base64: String)?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if let current = open {
                if line.hasPrefix("-----END ") {
                    guard line == "-----END \(current.label)-----" else {
                        throw .pemBoundaryMismatch(begin: current.label, end: String(line))
                    }
                    guard let data = Data(base64Encoded: current.base64), !data.isEmpty else {
                        throw .pemBadBase64(label: current.label)
                    }
                    blocks.append(PEMBlock(label: current.label, der: Array(data)))
                    open = nil
                } else if line.hasPrefix("-----BEGIN ") {
                    throw .pemBoundaryMismatch(begin: current.label, end: String(line))
                } else if line.contains(":") {
                    // RFC 1421 headers ("Proc-Type: 4,ENCRYPTED") belong to the legacy encrypted format.
                    throw .encryptedKey(label: current.label)
                } else {
                    open = (current.label, current.base64 + line)
                }
            } else if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----"), line.count > 16 {
                let label = String(line.dropFirst(11).dropLast(5))
                open = (label, "")
            }
        }
        if let current = open { throw .pemUnterminated(label: current.label) }
        return blocks
    }

    /// The block as PEM text: base64 in lines of 64 characters, as openssl writes it.
    var text: String {
        let base64 = Data(der).base64EncodedString()
        var lines = ["-----BEGIN \(label)-----"]
        var rest = Substring(base64)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(64)))
            rest = rest.dropFirst(64)
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }
}
