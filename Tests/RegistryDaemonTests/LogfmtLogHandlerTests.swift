import Foundation
import Logging
import Testing

@testable import RegistryDaemon

/// One event is one line: values with spaces, quotes, backslashes or newlines are quoted and escaped, so a
/// journal entry can be split back into its fields.
@Suite struct LogfmtLogHandlerTests {
    let time = "2026-11-28T09:00:00.123Z"

    func handler(_ format: LogfmtLogHandler.Format, label: String = "cdm-registry.engine") -> LogfmtLogHandler {
        LogfmtLogHandler(
            label: label, format: format, sink: LogLineSink(descriptor: -1), level: .info,
            metadataProvider: nil)
    }

    @Test func plainValuesStayBareAndFieldsComeInFixedOrder() {
        let line = handler(.logfmt).render(
            time: time, level: .info, message: "committed",
            metadata: ["transaction": "CDM1234", "peer": "GB", "state": "accepted"])
        let expected =
            "time=2026-11-28T09:00:00.123Z level=info label=cdm-registry.engine msg=committed "
            + "peer=GB state=accepted transaction=CDM1234\n"
        #expect(line == expected)
    }

    @Test func spacesQuotesBackslashesAndNewlinesAreQuotedAndEscaped() {
        let line = handler(.logfmt).render(
            time: time, level: .warning, message: "peer said \"no\"\nretrying",
            metadata: ["reason": "C:\\path with space", "empty": "", "equals": "a=b", "tab": "x\ty"])
        let expected =
            #"time=2026-11-28T09:00:00.123Z level=warning label=cdm-registry.engine "#
            + #"msg="peer said \"no\"\nretrying" empty="" equals="a=b" reason="C:\\path with space" tab="x\ty""#
            + "\n"
        #expect(line == expected)
        #expect(line.filter { $0 == "\n" }.count == 1)
    }

    @Test func controlCharactersAreEscapedAsUnicode() {
        #expect(LogfmtEncoding.value("bell\u{07}") == "\"bell\\u0007\"")
        #expect(LogfmtEncoding.value("carriage\rreturn") == "\"carriage\\rreturn\"")
    }

    @Test func keysWithSpacesOrEqualsAreMadeTokens() {
        #expect(LogfmtEncoding.key("peer registry") == "peer_registry")
        #expect(LogfmtEncoding.key("a=b") == "a_b")
        #expect(LogfmtEncoding.key("") == "_")
    }

    @Test func reservedFieldNamesInMetadataArePrefixed() {
        let line = handler(.logfmt).render(time: time, level: .info, message: "m", metadata: ["msg": "shadow"])
        #expect(line.hasSuffix(" msg=m meta_msg=shadow\n"))
    }

    @Test func nestedMetadataIsFlattenedInLogfmt() {
        let line = handler(.logfmt).render(
            time: time, level: .info, message: "m",
            metadata: ["units": .array(["1", "2"]), "block": .dictionary(["start": "1", "end": "10"])])
        #expect(line.hasSuffix(" block=\"{end: 10, start: 1}\" units=\"[1, 2]\"\n"))
    }

    @Test func jsonLinesAreValidJSONWithNestedMetadata() throws {
        let line = handler(.json).render(
            time: time, level: .error, message: "line one\nline \"two\"",
            metadata: ["units": .array(["1", "2"]), "peer": "GB", "count": .stringConvertible(3)])
        #expect(line.hasSuffix("}\n"))
        #expect(line.filter { $0 == "\n" }.count == 1)
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(parsed["time"] as? String == time)
        #expect(parsed["level"] as? String == "error")
        #expect(parsed["label"] as? String == "cdm-registry.engine")
        #expect(parsed["msg"] as? String == "line one\nline \"two\"")
        #expect(parsed["peer"] as? String == "GB")
        #expect(parsed["count"] as? String == "3")
        #expect(parsed["units"] as? [String] == ["1", "2"])
    }

    @Test func loggerMetadataProviderAndEventMetadataAreMergedEventLast() throws {
        var pipe: [Int32] = [0, 0]
        #expect(Foundation.pipe(&pipe) == 0)
        defer { close(pipe[0]) }
        let provider = Logger.MetadataProvider { ["request": "r-1", "peer": "provider"] }
        var logger = Logger(label: "cdm-registry.des") { label in
            LogfmtLogHandler(
                label: label, format: .logfmt, sink: LogLineSink(descriptor: pipe[1]), level: .info,
                metadataProvider: provider)
        }
        logger[metadataKey: "registry"] = "CDM"
        logger[metadataKey: "peer"] = "logger"
        logger.debug("not written: below the level")
        logger.info("accepted", metadata: ["peer": "GB"])
        close(pipe[1])
        let output = String(decoding: FileHandle(fileDescriptor: pipe[0]).readDataToEndOfFile(), as: UTF8.self)
        let lines = output.split(separator: "\n")
        try #require(lines.count == 1)
        #expect(lines[0].hasPrefix("time="))
        #expect(
            lines[0].hasSuffix(" level=info label=cdm-registry.des msg=accepted peer=GB registry=CDM request=r-1"))
    }

    @Test func timestampsAreRFC3339UTCWithMilliseconds() {
        #expect(LogTimestamp.format(seconds: 1_224_493_200, milliseconds: 7) == "2008-10-20T09:00:00.007Z")
        #expect(LogTimestamp.format(seconds: 0, milliseconds: 999) == "1970-01-01T00:00:00.999Z")
        let now = LogTimestamp.now()
        #expect(now.count == 24)
        #expect(now.hasSuffix("Z"))
    }
}
