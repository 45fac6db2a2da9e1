import Foundation
import Testing
@testable import PoseData

/// Files SwiftPose writes where the user points it (issue 21): what the user named is written,
/// never replaced, and every failure names the flag, the path and the reason.
@Suite struct OutputPathTests {
    func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftpose-out-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func error(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    @Test func regularFilesAreReplacedAtomically() throws {
        let dir = try folder()
        let path = dir + "/m.json"
        try OutputPath.write(Data("one".utf8), to: path, label: "--out")
        try OutputPath.write(Data("two".utf8), to: path, label: "--out")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["m.json"], "no temporary file left")
    }

    @Test func symbolicLinksAreFollowedAndKept() throws {
        let dir = try folder()
        try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: true)
        try Data("old".utf8).write(to: URL(fileURLWithPath: dir + "/real/target.json"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.json", withDestinationPath: "real/target.json")
        try OutputPath.write(Data("new".utf8), to: dir + "/link.json", label: "--out")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.json") == "real/target.json")
        #expect(try String(contentsOfFile: dir + "/real/target.json", encoding: .utf8) == "new")
        // a dangling link gets its target created
        try FileManager.default.createSymbolicLink(atPath: dir + "/dangling.json", withDestinationPath: dir + "/real/made.json")
        try OutputPath.write(Data("made".utf8), to: dir + "/dangling.json", label: "--dump")
        #expect(try String(contentsOfFile: dir + "/real/made.json", encoding: .utf8) == "made")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/dangling.json")) != nil)
    }

    @Test func fifosAndDevicesAreWrittenThrough() throws {
        let dir = try folder()
        let fifo = dir + "/pipe"
        #expect(mkfifo(fifo, 0o644) == 0)
        let received = LockedText()
        let reader = Thread {
            let fd = open(fifo, O_RDONLY)
            var bytes: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 256)
            while fd >= 0 {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                bytes += buffer[0..<n]
            }
            close(fd)
            received.set(String(decoding: bytes, as: UTF8.self))
        }
        reader.start()
        try OutputPath.write(Data("through the pipe".utf8), to: fifo, label: "--out")
        for _ in 0..<200 where received.get() == nil { usleep(10_000) }
        #expect(received.get() == "through the pipe")
        var status = stat()
        #expect(lstat(fifo, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO, "the FIFO is still a FIFO")
        try OutputPath.write(Data("discarded".utf8), to: "/dev/null", label: "--out")
        #expect(lstat("/dev/null", &status) == 0 && (status.st_mode & S_IFMT) == S_IFCHR)
        #expect(error { try OutputPath.write(Data("x".utf8), to: "/dev/full", label: "--out") } == "--out /dev/full: cannot write (No space left on device)")
        #expect(lstat("/dev/full", &status) == 0 && (status.st_mode & S_IFMT) == S_IFCHR)
    }

    @Test func whatCannotBeWrittenIsAOneLineErrorBeforeAnyWork() throws {
        let dir = try folder()
        try Data("file".utf8).write(to: URL(fileURLWithPath: dir + "/file"))
        #expect(error { try OutputPath.check(dir, label: "--out") } == "--out \(dir): is a folder; name a file")
        #expect(error { try OutputPath.check(dir + "/missing/m.json", label: "--dump") } == "--dump \(dir)/missing/m.json: its folder \(dir)/missing does not exist (or is not a folder)")
        #expect(error { try OutputPath.check(dir + "/file/m.json", label: "--out") } == "--out \(dir)/file/m.json: its folder \(dir)/file does not exist (or is not a folder)")
        #expect(error { try OutputPath.check("", label: "--out") } == "--out: the path is empty")
        let long = dir + "/" + String(repeating: "n", count: 300)
        #expect(error { try OutputPath.check(long, label: "--out") }.contains("the file name is longer than the system allows"))
        #expect(error { try OutputPath.createDirectory(dir + "/file/sub", label: "--work-dir") } == "--work-dir \(dir)/file/sub: \(dir)/file is a file, not a folder")
        #expect(error { try OutputPath.createDirectory("", label: "--work-dir") } == "--work-dir: the folder path is empty")
        #expect(error { try OutputPath.createDirectory(long + "/x", label: "work dir") }.contains("longer than the system allows"))
        try OutputPath.createDirectory(dir + "/a/b/c", label: "--work-dir")
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: dir + "/a/b/c", isDirectory: &isFolder) && isFolder.boolValue)
        #expect(OutputPath.reason(CocoaError(.fileWriteVolumeReadOnly)) == "Read-only file system")
    }

    /// Python's json.dumps: NaN and infinities as tokens, not an error.
    @Test func pythonJSONWritesNonFiniteNumbers() throws {
        let data = try PythonJSON.data(["b": [Double.nan, .infinity, -.infinity, 1.5], "a": 3, "s": "q\"\n"] as [String: Any])
        #expect(String(decoding: data, as: UTF8.self) == "{\"a\":3,\"b\":[NaN,Infinity,-Infinity,1.5],\"s\":\"q\\\"\\n\"}")
        let finite = try PythonJSON.data(["k": [1, 2.25]] as [String: Any], pretty: true)
        let parsed = try JSONSerialization.jsonObject(with: finite) as? [String: [Double]]
        #expect(parsed == ["k": [1, 2.25]])
    }

    @Test func streamedJSONIsWholeOrAbsent() throws {
        let dir = try folder()
        try JSONFile.stream(to: dir + "/s.json") { stream in
            try stream.write("[")
            for i in 0..<3 { try stream.write((i == 0 ? "" : ",") + "\(i)") }
            #expect(!FileManager.default.fileExists(atPath: dir + "/s.json"), "not in place before the body returns")
            try stream.write("]")
        }
        struct Interrupted: Error {}
        #expect(throws: Interrupted.self) {
            try JSONFile.stream(to: dir + "/s.json") { stream in try stream.write("[9,"); throw Interrupted() }
        }
        #expect(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/s.json"))) as? [Int] == [0, 1, 2])
    }
}

/// A string set by one thread and read by another.
final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var text: String?
    func set(_ value: String) { lock.lock(); text = value; lock.unlock() }
    func get() -> String? { lock.lock(); defer { lock.unlock() }; return text }
}
