import PoseConfig
import PoseModels

/// What a builder gets besides its own dict: the component set, to build nested component
/// dicts through the same registries, and a record of keys accepted without effect.
public final class BuildContext {
    /// The registries the builders build nested component dicts with.
    public let components: Components
    /// Keys accepted without effect (GPU-only or presentation settings), reported once at start.
    public private(set) var ignoredKeys: [String] = []

    /// A context for one decode with `components`, no keys ignored yet.
    public init(components: Components) { self.components = components }

    /// Builds the component dict at `reader[key]` with a registry of `components`; nil when the
    /// key is absent or None.
    ///
    /// - Throws: `ConfigError` when the value is not a dict, its type is unknown or a key is
    ///   left unread; what the builder throws.
    public func build<Product>(_ registry: KeyPath<Components, Registry<Product>>, _ reader: ConfigReader,
                               key: String) throws -> Product? {
        guard let nested = try reader.dictionary(key) else { return nil }
        return try components[keyPath: registry].build(nested, context: self)
    }

    /// Builds every dict of the list at `reader[key]` (a single dict counts as a list of one);
    /// nil when the key is absent.
    ///
    /// - Throws: `ConfigError` when the value is not a dict or a list of dicts, a type is unknown
    ///   or a key is left unread; what the builders throw.
    public func buildList<Product>(_ registry: KeyPath<Components, Registry<Product>>, _ reader: ConfigReader,
                                   key: String) throws -> [Product]? {
        guard let list = try reader.dictionaries(key) else { return nil }
        return try list.map { try components[keyPath: registry].build($0, context: self) }
    }

    /// Reads a part's `init_cfg` (only `Pretrained` is an initialiser SwiftPose applies from a
    /// config; the others are the parts' own defaults), as weights for the model keys under
    /// `target` (`"backbone."`, or `""` for the whole model).
    ///
    /// - Throws: `ConfigError` when `init_cfg` has a type other than `Pretrained`, no
    ///   `checkpoint`, or unknown keys.
    public func pretrainedWeights(_ reader: ConfigReader, target: String) throws -> PretrainedWeights? {
        guard let i = try reader.dictionary("init_cfg") else { return nil }
        let type = try i.string("type")
        guard type == "Pretrained" else {
            throw i.error("type", "'\(type)' initialisation is not applied from configs; parts initialise as MMPose's defaults, and 'Pretrained' loads weights")
        }
        let weights = PretrainedWeights(checkpoint: try i.string("checkpoint"), target: target, prefix: try i.optionalString("prefix"))
        try finish(i)
        return weights
    }

    /// Fails on keys of `reader` nobody read, and records the ignored ones.
    ///
    /// - Throws: `ConfigError` naming the unread keys and the accepted ones.
    public func finish(_ reader: ConfigReader) throws {
        try reader.finish()
        ignoredKeys += reader.ignored
    }
}
