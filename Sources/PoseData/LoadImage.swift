import PoseTensor

/// MMPose's `LoadImage`: decodes the instance's image (JPEG, PNG or BMP) into RGB pixels.
public struct LoadImage: Transform {
    /// The step; it takes no options.
    public init() {}

    public func apply(_ s: inout TopdownSample, metainfo: DatasetMetainfo, rng: inout RandomGenerator) throws {
        let image = try ImageFile.read(path: s.instance.imagePath)
        s.image = image
        s.imageSize = (image.width, image.height)
    }
}
