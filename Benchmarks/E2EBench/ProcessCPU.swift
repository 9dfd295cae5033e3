import Foundation

/// CPU time a process has used (user + system), read from /proc/<pid>/stat: where the time goes at saturation,
/// process by process, on a machine whose cores the three parties share.
enum ProcessCPU {
    /// Seconds of CPU used so far by `pid` (0 for this process); nil when /proc cannot be read (not Linux).
    static func seconds(_ pid: Int32) -> Double? {
        let path = pid == 0 ? "/proc/self/stat" : "/proc/\(pid)/stat"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm)": field 3 is the state; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ticks > 0 ? (user + system) / ticks : nil
    }

    /// CPU seconds of each named process at one instant.
    struct Snapshot {
        var seconds: [String: Double]
        var at: ContinuousClock.Instant

        init(_ processes: [(String, Int32)]) {
            var seconds: [String: Double] = [:]
            for (name, pid) in processes { seconds[name] = ProcessCPU.seconds(pid) }
            self.seconds = seconds
            self.at = .now
        }

        /// Per process: the share of one core used since `earlier` (100% = one core busy all the time).
        func coreShare(since earlier: Snapshot) -> [(String, Double)] {
            let wall = Double(earlier.at.duration(to: at).components.seconds)
                + Double(earlier.at.duration(to: at).components.attoseconds) / 1e18
            guard wall > 0 else { return [] }
            return seconds.keys.sorted().compactMap { name in
                guard let now = seconds[name], let before = earlier.seconds[name] else { return nil }
                return (name, (now - before) / wall * 100)
            }
        }

        /// Per process: CPU milliseconds per completed transfer since `earlier`.
        func millisecondsPerTransfer(since earlier: Snapshot, transfers: Int) -> [(String, Double)] {
            guard transfers > 0 else { return [] }
            return seconds.keys.sorted().compactMap { name in
                guard let now = seconds[name], let before = earlier.seconds[name] else { return nil }
                return (name, (now - before) * 1000 / Double(transfers))
            }
        }
    }
}
