import Foundation

/// Scratch memory for kernels (im2col columns and similar), one per thread.
///
/// Kernels run on one thread at a time per model, so one growing buffer per thread serves every
/// layer without per-step allocation and without races when tests run models concurrently.
public final class Workspace {
    private var storage: UnsafeMutablePointer<Float>?
    private var capacity = 0

    /// The workspace of the calling thread.
    public static var current: Workspace { threadLocal("SwiftPose.Workspace", Workspace.init) }

    /// A buffer of at least `count` floats; valid until the next call on this workspace.
    public func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            free(storage)
            var raw: UnsafeMutableRawPointer?
            guard posix_memalign(&raw, 64, count * MemoryLayout<Float>.stride) == 0, let raw else {
                fatalError("out of memory allocating a \(count)-float workspace")
            }
            storage = raw.bindMemory(to: Float.self, capacity: count)
            capacity = count
        }
        return storage!
    }

    deinit { free(storage) }
}

/// The calling thread's instance stored under `key`, made by `make` on the thread's first call.
func threadLocal<T: AnyObject>(_ key: String, _ make: () -> T) -> T {
    let dict = Thread.current.threadDictionary
    if let existing = dict[key] as? T { return existing }
    let made = make()
    dict[key] = made
    return made
}
