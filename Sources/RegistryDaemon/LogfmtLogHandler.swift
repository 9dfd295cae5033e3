import Foundation
import Logging

/// One structured line per log event (logfmt or JSON lines) on stdout or stderr, for journald: one event is one
/// journal entry, and `journalctl -o cat` or any logfmt/JSON tool reads it back without guessing at free text.
public struct LogfmtLogHandler: LogHandler {
    /// How an event is written: `logfmt` (`key=value`, the default, readable in `journalctl`) or JSON lines.
    public enum Format: String, Sendable, CaseIterable {
        case logfmt
        case json
    }

    /// Where lines go: stdout (journald's stream for the unit) or stderr.
    public enum Output: String, Sendable, CaseIterable {
        case stdout
        case stderr
    }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let format: Format
    let sink: LogLineSink

    public init(
        label: String, format: Format = .logfmt, output: Output = .stdout, level: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.init(
            label: label, format: format, sink: LogLineSink.standard(output), level: level,
            metadataProvider: metadataProvider)
    }

    init(
        label: String, format: Format, sink: LogLineSink, level: Logger.Level,
        metadataProvider: Logger.MetadataProvider?
    ) {
        self.label = label
        self.format = format
        self.sink = sink
        self.logLevel = level
        self.metadataProvider = metadataProvider
    }

    /// Installs the handler for every logger of the process; called once from main.swift, after the configuration
    /// was read (the level and format come from its [log] table and `logLevel`).
    public static func bootstrap(
        format: Format, output: Output, level: Logger.Level, metadataProvider: Logger.MetadataProvider? = nil
    ) {
        let sink = LogLineSink.standard(output)
        LoggingSystem.bootstrap(
            { label, provider in
                LogfmtLogHandler(
                    label: label, format: format, sink: sink, level: level, metadataProvider: provider)
            }, metadataProvider: metadataProvider)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        if let error = event.error { merged["error"] = .string(String(describing: error)) }
        sink.write(
            render(
                time: LogTimestamp.now(), level: event.level, message: event.message.description,
                metadata: merged))
    }

    /// The line for one event, newline included: `time`, `level`, `label`, `msg`, then the metadata sorted by key.
    /// Metadata keys that would shadow those four are written with a `meta_` prefix, so no field is ambiguous.
    func render(time: String, level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        let fixed = [("time", time), ("level", level.rawValue), ("label", label), ("msg", message)]
        let extra = metadata.sorted { $0.key < $1.key }.map { key, value in
            (Self.reservedKeys.contains(key) ? "meta_\(key)" : key, value)
        }
        switch format {
        case .logfmt:
            var line = fixed.map { "\(LogfmtEncoding.key($0.0))=\(LogfmtEncoding.value($0.1))" }
            line += extra.map { "\(LogfmtEncoding.key($0.0))=\(LogfmtEncoding.value(LogfmtEncoding.text($0.1)))" }
            return line.joined(separator: " ") + "\n"
        case .json:
            var fields = fixed.map { "\(JSONLineEncoding.string($0.0)):\(JSONLineEncoding.string($0.1))" }
            fields += extra.map { "\(JSONLineEncoding.string($0.0)):\(JSONLineEncoding.value($0.1))" }
            return "{" + fields.joined(separator: ",") + "}\n"
        }
    }

    static let reservedKeys: Set<String> = ["time", "level", "label", "msg"]
}

/// logfmt's quoting: bare when the value is a plain token, else double-quoted with `\"`, `\\`, `\n`, `\r`, `\t`
/// and `\u00XX` escapes, so one event always stays on one line.
enum LogfmtEncoding {
    static func key(_ key: String) -> String {
        let cleaned = String(
            String.UnicodeScalarView(
                key.unicodeScalars.map { scalar in
                    scalar.value <= 0x20 || scalar == "=" || scalar == "\"" || scalar.value == 0x7F ? "_" : scalar
                }))
        return cleaned.isEmpty ? "_" : cleaned
    }

    static func value(_ value: String) -> String {
        let needsQuotes =
            value.isEmpty
            || value.unicodeScalars.contains {
                $0.value <= 0x20 || $0 == "=" || $0 == "\"" || $0 == "\\" || $0.value == 0x7F
            }
        guard needsQuotes else { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    quoted += String(format: "\\u%04x", scalar.value)
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }

    /// Nested metadata flattened to text (`[a, b]`, `{k: v}`): logfmt has no nesting.
    static func text(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): "[" + values.map(text).joined(separator: ", ") + "]"
        case .dictionary(let entries):
            "{" + entries.sorted { $0.key < $1.key }.map { "\($0.key): \(text($0.value))" }.joined(separator: ", ")
                + "}"
        }
    }
}

/// JSON lines: one object per event, nested metadata kept as JSON arrays and objects.
enum JSONLineEncoding {
    static func string(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    quoted += String(format: "\\u%04x", scalar.value)
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }

    static func value(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): string(text)
        case .stringConvertible(let convertible): string(convertible.description)
        case .array(let values): "[" + values.map(Self.value).joined(separator: ",") + "]"
        case .dictionary(let entries):
            "{"
                + entries.sorted { $0.key < $1.key }.map { "\(string($0.key)):\(Self.value($0.value))" }
                .joined(separator: ",") + "}"
        }
    }
}

/// RFC 3339 UTC with milliseconds, built from `clock_gettime` and `gmtime_r`: cheap, and sorts as text.
enum LogTimestamp {
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return format(seconds: spec.tv_sec, milliseconds: Int(spec.tv_nsec / 1_000_000))
    }

    static func format(seconds: time_t, milliseconds: Int) -> String {
        var seconds = seconds
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ number: Int32, _ width: Int) -> String {
            let digits = String(number)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
    }
}

/// Writes whole lines to a file descriptor, one `write` per line under a lock, so lines from concurrent loggers
/// never interleave.
final class LogLineSink: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()

    init(descriptor: Int32) { self.descriptor = descriptor }

    static let standardOutput = LogLineSink(descriptor: STDOUT_FILENO)
    static let standardError = LogLineSink(descriptor: STDERR_FILENO)

    static func standard(_ output: LogfmtLogHandler.Output) -> LogLineSink {
        switch output {
        case .stdout: standardOutput
        case .stderr: standardError
        }
    }

    func write(_ line: String) {
        var bytes = Array(line.utf8)
        lock.lock()
        defer { lock.unlock() }
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(
                    descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                // A closed or full log stream must never stop the registry: the line is dropped.
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
