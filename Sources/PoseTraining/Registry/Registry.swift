import PoseConfig

/// A registration that cannot be made: the name is taken.
public struct RegistryError: Error, CustomStringConvertible, Equatable {
    /// The message: the family, the type name and what is wrong.
    public let description: String
    /// An error with the message `description`.
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
    /// A builder: reads the component's dict through the `ConfigReader` (its errors name the file
    /// and key), builds nested components through the `BuildContext`, and returns the spec.
    public typealias Builder = @Sendable (ConfigReader, BuildContext) throws -> Product

    /// The family's name in messages ("backbone", "hook", …).
    public let family: String
    private var builders: [String: Builder] = [:]

    /// An empty registry for the family named `family` ("backbone", "hook", …) in messages.
    public init(family: String) { self.family = family }

    /// The registered type names, sorted.
    public var names: [String] { builders.keys.sorted() }

    /// Whether a builder is registered under the type name `type`.
    public func contains(_ type: String) -> Bool { builders[type] != nil }

    /// Registers `builder` under `type`. A name registered twice is an error unless `replacing`
    /// is set (MMEngine's `force=True`), which swaps in the new builder on purpose.
    ///
    /// - Throws: `RegistryError` when `type` is empty, or already registered and `replacing` is false.
    public mutating func register(_ type: String, replacing: Bool = false, _ builder: @escaping Builder) throws {
        guard !type.isEmpty else { throw RegistryError("\(family) registry: a type name cannot be empty") }
        if builders[type] != nil && !replacing {
            throw RegistryError("\(family) type '\(type)' is already registered; pass replacing: true to override it")
        }
        builders[type] = builder
    }

    /// Registers `builder` under `type` and under `<scope>.<type>` for each of `scopes`: a
    /// component that MMPose's configs take from another OpenMMLab package (`mmdet.CSPNeXt`, or
    /// `type='CSPNeXt'` with `_scope_='mmdet'`).
    ///
    /// - Throws: `RegistryError` when a name is empty, or already registered and `replacing` is false.
    public mutating func register(_ type: String, scopes: [String], replacing: Bool = false, _ builder: @escaping Builder) throws {
        try register(type, replacing: replacing, builder)
        for scope in scopes { try register(scope + "." + type, replacing: replacing, builder) }
    }

    /// The builder a config's `type` selects, as MMEngine resolves scopes: `scope.Name` is looked
    /// up as written (`mmpose.Name` is SwiftPose's own `Name`); a bare name under `_scope_`
    /// first as `<_scope_>.Name`, then as `Name` (MMEngine falls back to the current scope).
    private func builder(for type: String, scope: String?) -> Builder? {
        if type.hasPrefix("mmpose.") { return builders[String(type.dropFirst("mmpose.".count))] }
        if let scope, scope != "mmpose", !type.contains("."), let scoped = builders[scope + "." + type] { return scoped }
        return builders[type]
    }

    /// Builds the component `reader` describes: its `type` key picks the builder.
    ///
    /// - Throws: `ConfigError` when `type` is missing or not registered (listing the registered
    ///   names) or a key was left unread; what the builder throws.
    public func build(_ reader: ConfigReader, context: BuildContext) throws -> Product {
        try build(type: try reader.string("type"), reader, context: context)
    }

    /// Builds a component whose type is given outside its dict (`optim_wrapper.constructor`).
    ///
    /// - Throws: `ConfigError` when `type` is not registered or a key was left unread; what the
    ///   builder throws.
    public func build(type: String, _ reader: ConfigReader, context: BuildContext) throws -> Product {
        // read only where given, so the accepted keys a typo's message lists stay the component's
        let scope = reader.dict["_scope_"] == nil ? nil : try reader.optionalString("_scope_")
        guard let builder = builder(for: type, scope: scope) else {
            let note = RegistryNotes.absentFromMMPose[type].map { " (\($0))" } ?? ""
            throw reader.error("type", "unknown \(family) type '\(type)'\(note); registered: \(names.joined(separator: ", "))")
        }
        let product = try builder(reader, context)
        try context.finish(reader)
        return product
    }
}

/// What an unknown-type error adds for names MMPose's own configs use but MMPose itself does not
/// register, so that a config that cannot run in MMPose either says so.
enum RegistryNotes {
    static let absentFromMMPose: [String: String] = [
        "HalpeHandDataset": "MMPose 1.3.2 registers no HalpeHandDataset either: its hand5 RTMPose config names one, and MMPose cannot build that dataloader",
    ]
}
