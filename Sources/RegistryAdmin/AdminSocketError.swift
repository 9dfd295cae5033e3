/// Why the admin socket could not be opened; each message names the socket path.
public struct AdminSocketError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        case pathTooLong = "path-too-long"
        /// Something answers on the path: another daemon runs, and its socket must not be taken away.
        case alreadyListening = "already-listening"
        /// The path exists and is not a socket: it is never deleted, it may be someone's file.
        case notASocket = "not-a-socket"
        case cannotPrepare = "cannot-prepare"
        case cannotBind = "cannot-bind"
        case cannotSetPermissions = "cannot-set-permissions"
    }

    public var code: Code
    public var path: String
    public var message: String

    public init(_ code: Code, path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "admin socket \(path): \(message)" }
}
