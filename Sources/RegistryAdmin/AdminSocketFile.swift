import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The socket's file on disk: made safe to bind before, restricted after, and removed only if still ours.
struct AdminSocketFile: Sendable {
    /// Owner and group may connect, nobody else: access to the socket is access to the registry's operations.
    static let mode: mode_t = 0o660
    /// A directory this code creates for the socket: the service's group may traverse it (systemd's
    /// RuntimeDirectory normally exists already).
    static let directoryMode = 0o750

    let path: String

    /// Identity of the bound socket file, so that `remove` never deletes a socket another process put there.
    struct Identity: Hashable, Sendable {
        let device: UInt64
        let inode: UInt64
    }

    /// Checks the path's length, creates the parent directory, and removes a stale socket file; refuses to touch
    /// a socket something still listens on, or a file that is not a socket.
    func prepareForBind() throws(AdminSocketError) {
        guard !path.isEmpty else { throw AdminSocketError(.cannotPrepare, path: path, "the socket path is empty") }
        guard path.utf8.count <= UnixDomainSocket.maximumPathBytes else {
            throw AdminSocketError(
                .pathTooLong, path: path,
                "the path is \(path.utf8.count) bytes; a Unix socket path is limited to "
                    + "\(UnixDomainSocket.maximumPathBytes) bytes")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: Self.directoryMode])
            } catch {
                throw AdminSocketError(
                    .cannotPrepare, path: path,
                    "cannot create the directory \(directory): \(error.localizedDescription)")
            }
        }
        var status = stat()
        guard lstat(path, &status) == 0 else {
            let problem = POSIXErrorText(errno: errno)
            if problem.code == ENOENT { return }
            throw AdminSocketError(.cannotPrepare, path: path, "cannot inspect the existing file: \(problem)")
        }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw AdminSocketError(
                .notASocket, path: path, "the path exists and is not a socket; remove it or choose another path")
        }
        switch UnixDomainSocket.probe(path) {
        case .success(true):
            throw AdminSocketError(
                .alreadyListening, path: path,
                "another process is listening on this socket (is another cdm-registryd running?)")
        case .success(false):
            guard unlink(path) == 0 || errno == ENOENT else {
                throw AdminSocketError(
                    .cannotPrepare, path: path, "cannot remove the stale socket file: \(POSIXErrorText(errno: errno))")
            }
        case .failure(let problem):
            throw AdminSocketError(.cannotPrepare, path: path, "cannot check the existing socket: \(problem)")
        }
    }

    /// Sets mode 0660 and, when configured, the group that operators join to use registryctl.
    func restrict(group: gid_t?) throws(AdminSocketError) -> Identity {
        guard chmod(path, Self.mode) == 0 else {
            throw AdminSocketError(
                .cannotSetPermissions, path: path, "cannot set mode 0660: \(POSIXErrorText(errno: errno))")
        }
        if let group {
            guard chown(path, uid_t.max, group) == 0 else {
                throw AdminSocketError(
                    .cannotSetPermissions, path: path,
                    "cannot change the group to \(group): \(POSIXErrorText(errno: errno))")
            }
        }
        guard let identity = currentIdentity() else {
            throw AdminSocketError(
                .cannotSetPermissions, path: path,
                "the socket file vanished after bind: \(POSIXErrorText(errno: errno))")
        }
        return identity
    }

    func currentIdentity() -> Identity? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return Identity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    /// Removes the socket file if it is still the one this server bound.
    func remove(ifStill identity: Identity) {
        guard currentIdentity() == identity else { return }
        _ = unlink(path)
    }
}
