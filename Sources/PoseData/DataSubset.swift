/// MMEngine's `BaseDataset(indices=...)`: a subset of the data list (in top-down mode one entry
/// per instance), to train or test on a smaller dataset.
public enum DataSubset: Sendable, Equatable {
    /// The first n entries, or the last −n for a negative n (Python's `[:n]` and `[n:]`).
    case first(Int)
    /// The entries at these positions, in this order.
    case positions([Int])

    /// The chosen entries of `items`; a position outside them is an error naming `file`.
    public func select<T>(from items: [T], file: String) throws -> [T] {
        switch self {
        case .first(let n):
            return n >= 0 ? Array(items.prefix(n)) : Array(items.suffix(min(-n, items.count)))
        case .positions(let list):
            return try list.map { i in
                let at = i < 0 ? items.count + i : i
                guard items.indices.contains(at) else {
                    throw DatasetError("\(file): indices has \(i), but the dataset has \(items.count) entries")
                }
                return items[at]
            }
        }
    }
}
