import Foundation

/// Writes to a rank's standard output or error without the two ways a plain write can end or
/// stall a rank: blocking on a pipe that the launcher no longer drains (mpirun or srun tearing a
/// job down) and trapping on a pipe whose reader is gone. Lines up to `PIPE_BUF` bytes reach a
/// pipe whole.
public enum RankOutput {
    /// Writes `data` to `descriptor`, waiting while the reader is slow; gives up when `abandon`
    /// (asked every 100 ms of waiting) returns true, or when the reader is gone.
    public static func write(_ data: Data, to descriptor: Int32, abandon: () -> Bool = { false }) {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                let polled = poll(&ready, 1, 100)
                if polled == 0 || (polled < 0 && errno == EINTR) {
                    if abandon() { return }
                    continue
                }
                guard polled > 0, ready.revents & Int16(POLLERR | POLLHUP | POLLNVAL) == 0,
                      ready.revents & Int16(POLLOUT) != 0 else { return }
                // at most a pipe's atomic size, which a writable pipe takes without blocking
                let n = Glibc.write(descriptor, base + offset, min(raw.count - offset, Int(PIPE_BUF)))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }

    /// Writes `text` to `descriptor`, giving up after `seconds` of waiting for the reader.
    public static func write(_ text: String, to descriptor: Int32, within seconds: Double) {
        let deadline = monotonicSeconds() + seconds
        write(Data(text.utf8), to: descriptor) { monotonicSeconds() > deadline }
    }
}

/// Seconds since an arbitrary origin, from the monotonic clock (never steps back).
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
