import Foundation

/// The configs that ship inside SwiftPose (`_base_/default_runtime.py`, `_base_/datasets/*.py`),
/// the tree a config names as `swiftpose::_base_/default_runtime.py` (MMEngine's
/// `package::path`) from any package, with no copy of SwiftPose's `configs` folder beside it.
public enum BundledConfigs {
    /// The bundled `configs` folder, or nil when the resource bundle is missing.
    public static var root: String? {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent("configs"),
              FileManager.default.fileExists(atPath: url.path) else { return nil }
        return url.path
    }

    /// `inner` (a path below `configs`, such as `_base_/default_runtime.py`) in the bundle, if it
    /// is there.
    public static func path(_ inner: String) -> String? {
        guard let root, !inner.hasPrefix("/"), !inner.split(separator: "/").contains("..") else { return nil }
        let candidate = root + "/" + inner
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }
}
