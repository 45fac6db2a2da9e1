import Foundation

/// Writes the JSON files of the synthetic datasets: keys sorted, so the same seed gives the same
/// bytes, and atomically, so a reader never sees half a file.
enum JSONFile {
    static func write(_ object: Any, to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try OutputPath.writeAtomically(data, to: path, label: "--out")
    }

    /// A JSON file written piece by piece (a COCO file of millions of records without holding
    /// them), through a temporary file renamed into place when `finish` is called.
    final class Stream {
        let path: String
        private let temporary: String
        private let handle: FileHandle
        private var buffer = ""

        init(path: String) throws {
            self.path = path
            temporary = path + ".tmp-\(getpid())"
            guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
                throw OutputError("\(path): cannot create the file (\(String(cString: strerror(errno))))")
            }
            self.handle = handle
        }

        /// Appends JSON text.
        func write(_ text: String) throws {
            buffer += text
            if buffer.utf8.count >= 1 << 20 { try flush() }
        }

        /// Appends `object` as compact JSON with sorted keys.
        func write(object: Any) throws {
            try write(String(decoding: try PythonJSON.data(object), as: UTF8.self))
        }

        private func flush() throws {
            do { try handle.write(contentsOf: Data(buffer.utf8)) } catch {
                try? handle.close()
                unlink(temporary)
                throw OutputError("\(path): cannot write (\(OutputPath.reason(error)))")
            }
            buffer = ""
        }

        /// Writes what is left and moves the file into place.
        func finish() throws {
            try flush()
            try handle.close()
            guard rename(temporary, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                throw OutputError("\(path): cannot move the written file into place (\(reason))")
            }
        }
    }
}
