// des-bench: DES decode + validate and encode throughput against libxml2's own parse of the same bytes.
// Run: swift run -c release --scratch-path .build-des-rel des-bench
import BenchmarkSupport
import CLibXML2
import DES
import Foundation
import RegistryCore

func proposal(blocks: Int) throws -> AcceptProposalRequest {
    let unitBlocks = try (0..<blocks).map { index in
        DESTransactionUnitBlock(
            block: UnitBlock(
                range: try SerialRange(Int64(index) * 10_000 + 1_000_001, Int64(index) * 10_000 + 1_001_000),
                attributes: UnitAttributes(
                    originatingRegistry: .cdm, unitType: .cer, originalCommitmentPeriod: .second,
                    applicableCommitmentPeriod: .second, project: 1234)))
    }
    return AcceptProposalRequest(
        from: .cdm, to: .itl, majorVersion: 1, minorVersion: 1,
        proposedTransaction: DESProposalTransaction(
            transactionIdentifier: try TransactionIdentifier("CDM1000001"), transactionType: .externalTransfer,
            transferringRegistryCode: .cdm, transferringRegistryAccountType: .pending,
            transferringRegistryAccountIdentifier: 1, acquiringRegistryCode: "JP",
            acquiringRegistryAccountType: .partyHolding, acquiringRegistryAccountIdentifier: 1234,
            proposalUnitBlocks: unitBlocks))
}

/// libxml2 building its DOM from the bytes and freeing it: the raw parse baseline.
func libxml2ReadMemory(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
            if let document = xmlReadMemory(pointer, Int32(buffer.count), nil, nil, Int32(XML_PARSE_NONET.rawValue)) {
                xmlFreeDoc(document)
            }
        }
    }
}

/// libxml2's streaming reader walking every node: the other baseline.
func libxml2TextReader(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
            guard
                let reader = xmlReaderForMemory(pointer, Int32(buffer.count), nil, nil, Int32(XML_PARSE_NONET.rawValue))
            else { return }
            while xmlTextReaderRead(reader) == 1 {}
            xmlFreeTextReader(reader)
        }
    }
}

func rate(_ samples: [Double], bytes: Int) -> (perSecond: Double, megabytesPerSecond: Double) {
    let seconds = Measure.median(samples) / 1e9
    return (1 / seconds, Double(bytes) / seconds / 1_048_576)
}

xmlInitParser()
// `des-bench --profile-decode BLOCKS` only decodes, for a profiler (perf record).
if let flag = CommandLine.arguments.firstIndex(of: "--profile-decode"), CommandLine.arguments.count > flag + 1,
    let blocks = Int(CommandLine.arguments[flag + 1])
{
    let bytes = DESCodec.encode(try proposal(blocks: blocks))
    let samples = try Measure.samples(seconds: 5) { _ = try DESCodec.decodeRequest(bytes, soapAction: nil) }
    print("decode of \(blocks) blocks: median \((Measure.median(samples) / 1e6).formatted(2)) ms")
    exit(0)
}
var table = ResultTable(
    "blocks", "message", "decode+validate msg/s", "MB/s", "encode msg/s", "MB/s", "libxml2 xmlReadMemory MB/s",
    "xmlTextReader MB/s", "decode / xmlReadMemory", "decode / xmlTextReader", "peak RSS / message")
var goalsMet = true
for blocks in [1, 100, 10_000] {
    let message = try proposal(blocks: blocks)
    let bytes = DESCodec.encode(message)
    // Correctness first: the bytes decode back to the message.
    guard case .acceptProposal(let decoded) = try DESCodec.decodeRequest(bytes, soapAction: "\"acceptProposal\""),
        decoded == message
    else { fatalError("decode mismatch at \(blocks) blocks") }
    let seconds = blocks >= 10_000 ? 3.0 : 1.0
    let decode = rate(
        try Measure.samples(seconds: seconds) {
            _ = try DESCodec.decodeRequest(bytes, soapAction: "\"acceptProposal\"")
        },
        bytes: bytes.count)
    let encode = rate(Measure.samples(seconds: seconds) { _ = DESCodec.encode(message) }, bytes: bytes.count)
    let readMemory = rate(Measure.samples(seconds: seconds) { libxml2ReadMemory(bytes) }, bytes: bytes.count)
    let textReader = rate(Measure.samples(seconds: seconds) { libxml2TextReader(bytes) }, bytes: bytes.count)

    let before = Measure.residentBytes() ?? 0
    Measure.resetPeakResident()
    let kept = try DESCodec.decodeRequest(bytes, soapAction: "\"acceptProposal\"")
    let peak = (Measure.peakResidentBytes() ?? 0) - before
    withExtendedLifetime(kept) {}
    let peakRatio = Double(max(0, peak)) / Double(bytes.count)

    let ratioDOM = decode.megabytesPerSecond / readMemory.megabytesPerSecond
    let ratioReader = decode.megabytesPerSecond / textReader.megabytesPerSecond
    if blocks == 10_000 { goalsMet = ratioDOM >= 0.5 && peakRatio <= 4 }
    table.add(
        String(blocks), "\(bytes.count / 1024) KiB", decode.perSecond.formatted(0),
        decode.megabytesPerSecond.formatted(1),
        encode.perSecond.formatted(0), encode.megabytesPerSecond.formatted(1),
        readMemory.megabytesPerSecond.formatted(1),
        textReader.megabytesPerSecond.formatted(1), ratioDOM.formatted(2), ratioReader.formatted(2),
        // Below 1 MiB the resident-set counter (4 KiB pages, allocator reuse) cannot resolve the decoder's share.
        bytes.count >= 1_048_576 ? peakRatio.formatted(2) : "n/a")
}
print(table.render())
print("")
print(
    "Goal (10,000 blocks): decode+validate >= 0.5 x libxml2 xmlReadMemory throughput, peak RSS <= 4 x message size:",
    goalsMet ? "met" : "NOT met")
