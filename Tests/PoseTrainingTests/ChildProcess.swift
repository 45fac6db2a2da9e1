import Foundation

/// A command run as a user runs it from a shell, with its output in a file, for tests that
/// wait for, signal or kill it.
///
/// Spawned with `posix_spawn` and reaped with `waitpid` on its own pid, not with Foundation's
/// `Process`: on Linux, `Process` learns of a child's exit when a socket the child inherited
/// closes, so a child that leaves daemons behind (munged, slurmctld) never "exits" and
/// `waitUntilExit` hangs for ever (a CI run hung 80 minutes that way). The child gets an empty
/// signal mask and default handlers (the test runner's threads block SIGTERM, which a launcher
/// such as mpirun would otherwise never see), no descriptor but 0-2, and a process group of its
/// own, so a time-out kills everything it started.
final class ChildProcess {
    let pid: pid_t
    let output: URL
    private var status: Int32?

    init(_ command: [String], environment extra: [String: String] = [:]) throws {
        var env = ProcessInfo.processInfo.environment
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"; env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        env["SWIFT_BACKTRACE"] = "enable=no"
        for (k, v) in extra { env[k] = v }
        output = FileManager.default.temporaryDirectory.appendingPathComponent("swiftpose-child-\(UUID().uuidString).log")

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        ChildProcess.closeFrom(3, &actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGUSR1, SIGPIPE, SIGCHLD, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = (["/usr/bin/env"] + command).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, "/usr/bin/env", &actions, &attributes, argv, envp)
        guard result == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "posix_spawn \(command): \(String(cString: strerror(result)))"]) }
        pid = child
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module
    /// does not declare.
    private static func closeFrom(_ fd: Int32, _ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, fd)
    }

    var text: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    var isRunning: Bool {
        if status != nil { return false }
        var raw: Int32 = 0
        let r = waitpid(pid, &raw, WNOHANG)
        if r == pid {
            // the shell's convention: an exit code, or 128 + the signal that ended it
            let signal = raw & 0x7f
            status = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
            return false
        }
        if r < 0 { status = -1; return false }
        return true
    }

    /// Waits until `condition` holds (true) or the process ends or time runs out (false).
    func wait(until condition: () -> Bool, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            if !isRunning { return condition() }
            usleep(5_000)
        }
        return false
    }

    /// Sends `signal` to the process (not its group).
    func send(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the end; after `timeout` it kills the process group (SIGTERM, then SIGKILL
    /// 5 s later). Returns the exit status, or 128 + the signal that ended it.
    func finish(timeout: TimeInterval = 300) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning && Date() < deadline { usleep(20_000) }
        if isRunning {
            kill(-pid, SIGTERM)
            let grace = Date().addingTimeInterval(5)
            while isRunning && Date() < grace { usleep(20_000) }
            if isRunning { kill(-pid, SIGKILL) }
            while isRunning { usleep(20_000) }
        }
        return status ?? -1
    }

    deinit {
        if isRunning { kill(-pid, SIGKILL); while isRunning { usleep(20_000) } }
        try? FileManager.default.removeItem(at: output)
    }
}

/// Runs a command with a time limit; returns its exit status and combined output.
func run(_ command: [String], timeout: TimeInterval = 600) throws -> (Int32, String) {
    let child = try ChildProcess(command)
    let status = child.finish(timeout: timeout)
    return (status, child.text)
}
