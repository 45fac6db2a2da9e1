import Foundation

/// A file or folder SwiftPose cannot write; the message names the flag or key, the path and
/// the system's reason.
public struct OutputError: Error, CustomStringConvertible, Equatable {
    /// The message: the flag or key, the path and the system's reason.
    public let description: String
    /// An error with `description` as its message.
    public init(_ description: String) { self.description = description }
}

/// Writing the files and folders a user names (`--out`, `--dump`, `--work-dir`, drawing
/// folders), so that what the user named is written, never replaced, and every failure says
/// what was being written and why.
///
/// - A regular file (or a new name) is written atomically: a temporary file beside it,
///   fsynced, then renamed over it, so a failure leaves the previous file as it was.
/// - A symbolic link is followed: the file it points to is written (atomically, beside that
///   file), and the link stays.
/// - A FIFO or a character device (`/dev/stdout`, a named pipe) is written through in place.
/// - A folder, a block device or a socket is refused.
public enum OutputPath {
    /// The system's reason in an error from Foundation or the system (`Permission denied`,
    /// `Read-only file system`, `No space left on device`), without Foundation's wrapping.
    public static func reason(_ error: Error) -> String {
        if let output = error as? OutputError { return output.description }
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileWriteVolumeReadOnly: return String(cString: strerror(EROFS))
        case .fileWriteNoPermission, .fileReadNoPermission: return String(cString: strerror(EACCES))
        case .fileWriteOutOfSpace: return String(cString: strerror(ENOSPC))
        case .fileNoSuchFile, .fileReadNoSuchFile: return String(cString: strerror(ENOENT))
        case .fileWriteFileExists: return "a file of that name is in the way"
        case .fileWriteInvalidFileName, .fileReadInvalidFileName: return "not a valid file name (empty, or too long)"
        default: return ns.localizedDescription
        }
    }

    private static func errnoReason() -> String { String(cString: strerror(errno)) }

    /// What a path is, without following a final symbolic link.
    private enum Kind { case missing, file, directory, link, fifo, characterDevice, blockDevice, socket }

    private static func kind(_ path: String, follow: Bool) -> Kind? {
        var status = stat()
        // a path through a file ("file/name") cannot exist either
        guard (follow ? stat(path, &status) : lstat(path, &status)) == 0 else { return errno == ENOENT || errno == ENOTDIR ? .missing : nil }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .link
        case S_IFIFO: return .fifo
        case S_IFCHR: return .characterDevice
        case S_IFBLK: return .blockDevice
        case S_IFSOCK: return .socket
        default: return .file
        }
    }

    /// The parent folder of `path` ("." for a bare name).
    private static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The file a symbolic link finally names (it may not exist yet).
    private static func resolveLink(_ path: String, label: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            guard kind(current, follow: false) == .link else { return current }
            var buffer = [Int8](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, Int(PATH_MAX))
            guard n > 0 else { throw OutputError("\(label) \(path): cannot read the link (\(errnoReason()))") }
            let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = target.hasPrefix("/") ? target : folder(of: current) + "/" + target
        }
        throw OutputError("\(label) \(path): too many levels of symbolic links")
    }

    /// The file `path` finally names, once `check` has found it writable.
    private static func checkedTarget(_ path: String, label: String) throws -> String {
        try check(path, label: label)
        return try resolveLink(path, label: label)
    }

    /// Checks, before any work is done, that `path` can be written as `write` would write it;
    /// throws naming `label` (the flag or key), the path and why not.
    public static func check(_ path: String, label: String) throws {
        guard !path.isEmpty else { throw OutputError("\(label): the path is empty") }
        guard path.utf8.count < Int(PATH_MAX) else { throw OutputError("\(label) \(path.prefix(60))...: the path is longer than the system allows (\(PATH_MAX) bytes)") }
        let target = try resolveLink(path, label: label)
        let name = target.split(separator: "/").last.map(String.init) ?? target
        guard name.utf8.count <= Int(NAME_MAX) else { throw OutputError("\(label) \(path): the file name is longer than the system allows (\(NAME_MAX) bytes)") }
        switch kind(target, follow: false) {
        case .directory?: throw OutputError("\(label) \(path): is a folder; name a file")
        case .blockDevice?: throw OutputError("\(label) \(path): is a block device; name a file")
        case .socket?: throw OutputError("\(label) \(path): is a socket; name a file")
        case .fifo?, .characterDevice?:
            guard access(target, W_OK) == 0 else { throw OutputError("\(label) \(path): cannot be written (\(errnoReason()))") }
        case .missing?, .file?:
            let dir = folder(of: target)
            guard kind(dir, follow: true) == .directory else {
                throw OutputError("\(label) \(path): its folder \(dir) does not exist (or is not a folder)")
            }
            // an atomic write creates its temporary file in the folder
            guard access(dir, W_OK | X_OK) == 0 else { throw OutputError("\(label) \(path): its folder \(dir) cannot be written (\(errnoReason()))") }
        case .link?, nil:
            throw OutputError("\(label) \(path): cannot be examined (\(errnoReason()))")
        }
    }

    /// Writes `data` to what `path` names (see the type's rules); throws naming `label`.
    public static func write(_ data: Data, to path: String, label: String) throws {
        let target = try checkedTarget(path, label: label)
        switch kind(target, follow: false) {
        case .fifo?, .characterDevice?:
            let fd = open(target, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw OutputError("\(label) \(path): cannot open it for writing (\(errnoReason()))") }
            let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            do { try handle.write(contentsOf: data) } catch { throw failure(error, label: label, path: path) }
        default:
            try writeAtomically(data, to: target, label: label, shownAs: path)
        }
    }

    /// Writes a regular file through a temporary file beside it, fsynced and renamed into place.
    public static func writeAtomically(_ data: Data, to path: String, label: String, shownAs: String? = nil) throws {
        try writeAtomically(to: path, label: label, shownAs: shownAs) { try $0.write(contentsOf: data) }
    }

    /// Writes `path` so that it is either complete or absent: `contents` writes a temporary file
    /// beside it (`<name>.tmp-<pid>`), which is fsynced and renamed over `path`, and the folder
    /// is fsynced so the rename itself is durable. On any failure the temporary file is removed
    /// and the previous `path` stays as it was; the system's errors (a full disk) name `label`
    /// and `shownAs` (or `path`), errors of `contents` pass as they are.
    public static func writeAtomically(to path: String, label: String, shownAs: String? = nil,
                                       _ contents: (FileHandle) throws -> Void) throws {
        let shown = shownAs ?? path
        let name = String((path.split(separator: "/").last.map(String.init) ?? "out").prefix(200))
        let temporary = folder(of: path) + "/" + name + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError("\(label) \(shown): cannot create a file in its folder (\(errnoReason()))") }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        do {
            try contents(handle)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            unlink(temporary)
            throw failure(error, label: label, path: shown)
        }
        guard rename(temporary, path) == 0 else {
            let reason = errnoReason()
            unlink(temporary)
            throw OutputError("\(label) \(shown): cannot move the written file into place (\(reason))")
        }
        let folderDescriptor = open(folder(of: path), O_RDONLY | O_CLOEXEC)
        if folderDescriptor >= 0 { fsync(folderDescriptor); close(folderDescriptor) }
    }

    /// A system error (a full disk, a read-only file system) as an `OutputError` naming `label`
    /// and `path`; SwiftPose's own errors pass as they are.
    private static func failure(_ error: Error, label: String, path: String) -> Error {
        let domain = (error as NSError).domain
        guard domain == NSCocoaErrorDomain || domain == NSPOSIXErrorDomain else { return error }
        return OutputError("\(label) \(path): cannot write (\(reason(error)))")
    }

    /// Creates `path` and its missing parents as folders; throws naming `label`, the path and why
    /// (a file in the way, a read-only or full file system, a name too long).
    public static func createDirectory(_ path: String, label: String) throws {
        guard !path.isEmpty else { throw OutputError("\(label): the folder path is empty") }
        guard path.utf8.count < Int(PATH_MAX) else { throw OutputError("\(label) \(path.prefix(60))...: the path is longer than the system allows (\(PATH_MAX) bytes)") }
        var built = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            built += "/" + component
            guard component.utf8.count <= Int(NAME_MAX) else {
                throw OutputError("\(label) \(path): the folder name '\(component.prefix(40))...' is longer than the system allows (\(NAME_MAX) bytes)")
            }
            switch kind(built, follow: true) {
            case .directory?: continue
            case .missing?:
                guard mkdir(built, 0o755) == 0 || (errno == EEXIST && kind(built, follow: true) == .directory) else {
                    throw OutputError("\(label) \(path): cannot create the folder \(built) (\(errnoReason()))")
                }
            case nil: throw OutputError("\(label) \(path): cannot examine \(built) (\(errnoReason()))")
            default: throw OutputError("\(label) \(path): \(built) is a file, not a folder")
            }
        }
        guard access(path, W_OK | X_OK) == 0 else { throw OutputError("\(label) \(path): the folder cannot be written (\(errnoReason()))") }
    }
}
