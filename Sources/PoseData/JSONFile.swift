import Foundation

/// Writes the JSON files of the synthetic datasets: keys sorted, so the same seed gives the same
/// bytes, and atomically, so a reader never sees half a file.
enum JSONFile {
    static func write(_ object: Any, to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try OutputPath.writeAtomically(data, to: path, label: "--out")
    }

    /// Writes the JSON file `path` piece by piece through `body` (a COCO file of millions of
    /// records without holding them), atomically.
    static func stream(to path: String, _ body: (Stream) throws -> Void) throws {
        try OutputPath.writeAtomically(to: path, label: "--out") { handle in
            let stream = Stream(handle)
            try body(stream)
            try stream.flush()
        }
    }

    /// JSON text for a file being written, handed on in pieces of about 1 MiB.
    final class Stream {
        private let handle: FileHandle
        private var buffer = ""

        init(_ handle: FileHandle) { self.handle = handle }

        /// Appends JSON text.
        func write(_ text: String) throws {
            buffer += text
            if buffer.utf8.count >= 1 << 20 { try flush() }
        }

        /// Appends `object` as compact JSON with sorted keys.
        func write(object: Any) throws {
            try write(String(decoding: try PythonJSON.data(object), as: UTF8.self))
        }

        func flush() throws {
            try handle.write(contentsOf: Data(buffer.utf8))
            buffer = ""
        }
    }
}
