import PoseConfig

/// A registration that cannot be made: the name is taken.
public struct RegistryError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// MMPose's registries (`MODELS`, `TRANSFORMS`, `METRICS`, …) in Swift terms: the builders of one
/// family of components, keyed by the `type` name a config selects them with.
///
/// A builder gets the strict `ConfigReader` of the component's dict and the `BuildContext` of the
/// whole decode, through which it builds nested component dicts (`loss=dict(type=...)`,
/// `decoder=codec`, an inner head). It returns a `Sendable` spec value, decoded the same way on
/// every rank; the rank's own layers, optimizers and hooks are made from it later. After the
/// builder returns, every key of the dict must have been read (or explicitly ignored): unknown
/// keys fail with the file, the key path and the accepted keys.
///
/// A registry is a value. `Components.stock` holds SwiftPose's own builders; an extension
/// copies it, registers more and hands the copy to the mains, so there is no global state to
/// race on.
public struct Registry<Product>: Sendable {
    public typealias Builder = @Sendable (ConfigReader, BuildContext) throws -> Product

    /// The family's name in messages ("backbone", "hook", …).
    public let family: String
    private var builders: [String: Builder] = [:]

    public init(family: String) { self.family = family }

    /// The registered type names, sorted.
    public var names: [String] { builders.keys.sorted() }

    public func contains(_ type: String) -> Bool { builders[type] != nil }

    /// Registers `builder` under `type`. A name registered twice is an error unless `replacing`
    /// is set (MMEngine's `force=True`), which swaps in the new builder on purpose.
    public mutating func register(_ type: String, replacing: Bool = false, _ builder: @escaping Builder) throws {
        guard !type.isEmpty else { throw RegistryError("\(family) registry: a type name cannot be empty") }
        if builders[type] != nil && !replacing {
            throw RegistryError("\(family) type '\(type)' is already registered; pass replacing: true to override it")
        }
        builders[type] = builder
    }

    /// Builds the component `reader` describes: its `type` key picks the builder.
    public func build(_ reader: ConfigReader, context: BuildContext) throws -> Product {
        try build(type: try reader.string("type"), reader, context: context)
    }

    /// Builds a component whose type is given outside its dict (`optim_wrapper.constructor`).
    public func build(type: String, _ reader: ConfigReader, context: BuildContext) throws -> Product {
        guard let builder = builders[type] else {
            throw reader.error("type", "unknown \(family) type '\(type)'; registered: \(names.joined(separator: ", "))")
        }
        let product = try builder(reader, context)
        try context.finish(reader)
        return product
    }
}
