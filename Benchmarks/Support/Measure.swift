import Foundation

/// Small, dependency-free measurement helpers for the release-build benchmark executables.
///
/// Every benchmark compares against a baseline measured in the same run (these machines are shared and noisy),
/// so the helpers report rates and percentiles, and the executables print ratios.
public enum Measure {
    /// Runs `body` repeatedly for about `seconds` (at least `minimumIterations` times) and returns per-call durations
    /// in nanoseconds.
    public static func samples(
        seconds: Double = 1.0, minimumIterations: Int = 10, _ body: () throws -> Void
    ) rethrows -> [Double] {
        var samples: [Double] = []
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int64(seconds * 1000)))
        while samples.count < minimumIterations || clock.now < deadline {
            let start = clock.now
            try body()
            samples.append(nanoseconds(clock.now - start))
        }
        return samples
    }

    /// The wall time of one call of `body`, in nanoseconds.
    public static func once(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        return nanoseconds(clock.now - start)
    }

    public static func nanoseconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) * 1e9 + Double(parts.attoseconds) / 1e9
    }

    /// The value at `fraction` (0...1) of the sorted samples.
    public static func percentile(_ samples: [Double], _ fraction: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        let index = min(sorted.count - 1, max(0, Int((Double(sorted.count - 1) * fraction).rounded())))
        return sorted[index]
    }

    public static func median(_ samples: [Double]) -> Double { percentile(samples, 0.5) }

    /// Resets the kernel's peak-resident-set counter of this process (Linux: `/proc/self/clear_refs` value 5), so
    /// that `peakResidentBytes()` afterwards measures one phase.
    public static func resetPeakResident() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// The peak resident set size (VmHWM) of this process in bytes, or nil where /proc is unavailable.
    public static func peakResidentBytes() -> Int? { statusField("VmHWM:") }

    /// The current resident set size (VmRSS) in bytes.
    public static func residentBytes() -> Int? { statusField("VmRSS:") }

    private static func statusField(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let digits = line.dropFirst(name.count).trimmingCharacters(in: .whitespaces).split(separator: " ")
            if let kib = digits.first.flatMap({ Int($0) }) { return kib * 1024 }
        }
        return nil
    }
}

/// A plain text table for benchmark output, copied as is into docs/PERFORMANCE.md.
public struct ResultTable {
    public var header: [String]
    public var rows: [[String]] = []

    public init(_ header: String...) { self.header = header }

    public mutating func add(_ cells: String...) { rows.append(cells) }

    /// Markdown, so the output pastes straight into docs/PERFORMANCE.md.
    public func render() -> String {
        var lines = ["| " + header.joined(separator: " | ") + " |"]
        lines.append("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
        for row in rows { lines.append("| " + row.joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n")
    }
}

extension Double {
    /// A number with `digits` decimals, for tables.
    public func formatted(_ digits: Int) -> String { String(format: "%.\(digits)f", self) }
}

/// `--name N` from the command line, or `fallback` when absent or not a whole number.
public func option(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1])
    else { return fallback }
    return value
}
