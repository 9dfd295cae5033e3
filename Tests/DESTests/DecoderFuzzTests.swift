import Foundation
import Testing

@testable import DES

/// A small deterministic generator (SplitMix64), so that a failing run is reproduced from its printed seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Fuzzing the decoder with mutated DES messages")
struct DecoderFuzzTests {
    /// Set DES_FUZZ_SEED to replay a run; DES_FUZZ_ITERATIONS to run longer.
    static let seed: UInt64 =
        ProcessInfo.processInfo.environment["DES_FUZZ_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max)
    static let iterations = ProcessInfo.processInfo.environment["DES_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 20_000

    static func seeds() throws -> [[UInt8]] {
        var seeds = try [
            "acceptProposal.inline.xml", "acceptProposal.multiref.xml", "acceptNotification.inline.xml",
            "acceptProposalResponse.xml",
        ].map { try DESSamples.corpusFile("Examples/\($0)") }
        seeds.append(DESCodec.encode(try DESSamples.proposal(full: true, blocks: 3)))
        seeds.append(contentsOf: try DESSamples.requests(full: true).map(encodeAny))
        return seeds
    }

    /// The tags (`<...>`) of the seed messages, spliced into other messages.
    static func tags(of seeds: [[UInt8]]) -> [[UInt8]] {
        var tags: [[UInt8]] = []
        for seed in seeds {
            var start: Int?
            for (index, byte) in seed.enumerated() {
                if byte == UInt8(ascii: "<") { start = index }
                if byte == UInt8(ascii: ">"), let open = start {
                    tags.append(Array(seed[open...index]))
                    start = nil
                }
            }
        }
        return tags
    }

    static func mutate(_ input: [UInt8], tags: [[UInt8]], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0 where !bytes.isEmpty:
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    let index = Int.random(in: 0..<bytes.count, using: &random)
                    bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &random)
                }
            case 1:
                bytes = Array(bytes.prefix(position))
            case 2:
                let alphabet = Array("<>&\"'#/=:; x9-\u{0}\u{FF}".utf8)
                let inserted = (0..<Int.random(in: 1...6, using: &random)).map { _ in
                    alphabet.randomElement(using: &random) ?? 0
                }
                bytes.insert(contentsOf: inserted, at: position)
            case 3:
                if let tag = tags.randomElement(using: &random) { bytes.insert(contentsOf: tag, at: position) }
            case 4 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...200, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: Int.random(in: 0...bytes.count, using: &random))
            default:
                let end = min(bytes.count, position + Int.random(in: 1...50, using: &random))
                bytes.removeSubrange(position..<end)
            }
        }
        return bytes
    }

    /// Values that are well-formed XML text but hostile to the decoder's value parsing and domain checks.
    static let hostileValues = [
        "", "-1", "0", "9223372036854775808", "-9223372036854775809", "2147483648", "12x", "CDM", "cdm", "ITL",
        "CDM1", "#id0", "2026-02-30", "2026-11-28T25:00:00Z", "9999-12-31T23:59:59.999999999+14:00", "1e3", " 5 ",
        "&amp;", "&#0;", "&#x10FFFF;", "\u{FEFF}",
    ]

    /// Mutations that keep the message well-formed, so they reach the SOAP and DES layers: a leaf's text replaced,
    /// a leaf element removed or duplicated, an href pointed elsewhere.
    static func mutateStructure(_ input: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        guard let leaf = leafElements(bytes).randomElement(using: &random) else { return bytes }
        switch Int.random(in: 0..<4, using: &random) {
        case 0:
            let value = Array((hostileValues.randomElement(using: &random) ?? "").utf8)
            bytes.replaceSubrange(leaf.text, with: value)
        case 1:
            bytes.removeSubrange(leaf.element)
        case 2:
            bytes.insert(contentsOf: bytes[leaf.element], at: leaf.element.upperBound)
        default:
            let target =
                ["#id0", "#id1", "#id2", "#id3", "#id4", "#nowhere", "id0", "http://127.0.0.1/x"]
                .randomElement(using: &random) ?? "#id0"
            let original = "href=\"#id\(Int.random(in: 0..<5, using: &random))\""
            let text = String(decoding: bytes, as: UTF8.self)
            bytes = Array(text.replacingOccurrences(of: original, with: "href=\"\(target)\"").utf8)
        }
        return bytes
    }

    /// `<name ...>text</name>` elements without child elements: the whole element and its text ranges.
    static func leafElements(_ bytes: [UInt8]) -> [(element: Range<Int>, text: Range<Int>)] {
        var result: [(element: Range<Int>, text: Range<Int>)] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count, bytes[index + 1] != UInt8(ascii: "/"),
                let close = bytes[index...].firstIndex(of: UInt8(ascii: ">")), bytes[close - 1] != UInt8(ascii: "/"),
                let next = bytes[(close + 1)...].firstIndex(of: UInt8(ascii: "<")), next + 1 < bytes.count,
                bytes[next + 1] == UInt8(ascii: "/"), let end = bytes[next...].firstIndex(of: UInt8(ascii: ">"))
            else {
                index += 1
                continue
            }
            result.append((index..<(end + 1), (close + 1)..<next))
            index = end + 1
        }
        return result
    }

    @Test("mutated messages are decoded or refused with a DESError, never a crash")
    func mutationsNeverCrash() async throws {
        print("DES fuzz seed: \(Self.seed) (set DES_FUZZ_SEED to replay), iterations: \(Self.iterations)")
        var random = SeededGenerator(seed: Self.seed)
        let seeds = try Self.seeds()
        let tags = Self.tags(of: seeds)
        var accepted = 0
        var refusals: [DESError.Kind: Int] = [:]
        for iteration in 0..<Self.iterations {
            // Several seconds of CPU: it yields now and then, so the other suites' tasks on the two threads of the
            // cooperative pool are not starved meanwhile (a starved suite timed out at 30 s in a full run).
            if iteration % 100 == 0 { await Task.yield() }
            let seed = seeds.randomElement(using: &random) ?? []
            let input =
                Bool.random(using: &random)
                ? Self.mutateStructure(seed, using: &random) : Self.mutate(seed, tags: tags, using: &random)
            do {
                if Bool.random(using: &random) {
                    let request = try DESCodec.decodeRequest(input, soapAction: nil)
                    _ = encodeAny(request.message)
                } else {
                    _ = try DESCodec.decodeReply(input, operation: .acceptProposal)
                }
                accepted += 1
            } catch {
                #expect(!error.message.isEmpty)
                refusals[error.kind, default: 0] += 1
            }
        }
        print(
            "DES fuzz: \(accepted) accepted, refusals by kind: \(refusals.sorted { $0.key.rawValue < $1.key.rawValue })"
        )
        #expect(refusals.values.reduce(0, +) > Self.iterations / 4)
        // The structure-aware half reaches past the XML parser into the SOAP and DES checks.
        #expect(refusals.filter { $0.key != .malformedXML }.values.reduce(0, +) > Self.iterations / 10)
    }
}
