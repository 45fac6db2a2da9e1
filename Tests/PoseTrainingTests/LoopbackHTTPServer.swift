import Foundation

/// A minimal HTTP/1.0 file server on 127.0.0.1 (an ephemeral port) for download tests: GET of
/// `/<name>` answers with `files[name]` or 404, one connection at a time, on its own thread.
final class LoopbackHTTPServer: @unchecked Sendable {
    let port: Int
    private let socketFD: Int32
    private let files: [String: [UInt8]]
    private let lock = NSLock()
    private var requests: [String] = []

    init(files: [String: [UInt8]]) throws {
        self.files = files
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { close(fd); throw CocoaError(.fileWriteUnknown) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        socketFD = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in serve() }
    }

    /// The paths requested so far.
    var requested: [String] { lock.lock(); defer { lock.unlock() }; return requests }

    func stop() { shutdown(socketFD, Int32(SHUT_RDWR)); close(socketFD) }

    private func serve() {
        while true {
            let client = accept(socketFD, nil, nil)
            guard client >= 0 else { return }
            var request = [UInt8](repeating: 0, count: 4096), received = 0
            while received < request.count {
                let n = read(client, &request[received], request.count - received)
                if n <= 0 { break }
                received += n
                if String(decoding: request[0..<received], as: UTF8.self).contains("\r\n\r\n") { break }
            }
            let line = String(decoding: request[0..<received], as: UTF8.self).split(separator: "\r\n").first ?? ""
            let path = line.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
            lock.lock(); requests.append(path); lock.unlock()
            let body = files[String(path.dropFirst())]
            var response = Array((body == nil ? "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                                              : "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: \(body!.count)\r\n\r\n").utf8)
            response += body ?? []
            var sent = 0
            while sent < response.count {
                let n = response[sent...].withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                sent += n
            }
            close(client)
        }
    }
}
