import Foundation

/// Writes the JSON files of the synthetic datasets: keys sorted, so the same seed gives the same
/// bytes, and atomically, so a reader never sees half a file.
enum JSONFile {
    static func write(_ object: Any, to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
