import ServiceLifecycle

/// Pings systemd's watchdog at half of `WatchdogSec=` (systemd restarts the unit when a ping is late; half leaves
/// room for one slow turn) and refreshes STATUS= with the closure's text (e.g. "in flight 3, outbox 0").
/// Under systemd without a watchdog it only refreshes STATUS=; outside systemd it just waits for shutdown.
public struct WatchdogService: Service {
    let notifier: SystemdNotifier
    let status: @Sendable () async -> String
    /// How often STATUS= is refreshed when systemd asked for no watchdog.
    let statusInterval: Duration

    public init(
        notifier: SystemdNotifier, statusInterval: Duration = .seconds(15),
        status: @escaping @Sendable () async -> String
    ) {
        self.notifier = notifier
        self.status = status
        self.statusInterval = statusInterval
    }

    /// The pause between two pings: half the watchdog interval, or the status interval without a watchdog.
    var period: Duration? {
        guard notifier.isActive else { return nil }
        if let interval = notifier.watchdogInterval { return interval / 2 }
        return statusInterval
    }

    public func run() async throws {
        // Returning early would end the whole service group, so an idle watchdog still waits for shutdown.
        guard let period else {
            try? await gracefulShutdown()
            return
        }
        let pingsWatchdog = notifier.watchdogInterval != nil
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let text = await status()
                if pingsWatchdog { notifier.watchdog(status: text) } else { notifier.status(text) }
                do { try await Task.sleep(for: period) } catch { return }
            }
        }
    }
}
