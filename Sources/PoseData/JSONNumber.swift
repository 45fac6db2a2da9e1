import Foundation

/// Checked reads of numbers from annotation and detection JSON, where a value no image can
/// have (a width of -2^63, a coordinate of 1e308) must become an error naming it, not a trap.
public enum JSONNumber {
    /// Image widths and heights.
    public static let imageSide: ClosedRange<Int> = 1...1_000_000
    /// Box and keypoint coordinates in pixels.
    public static let coordinate: ClosedRange<Double> = -10_000_000...10_000_000

    /// An integral JSON number (ids, sizes, flags) that fits in 53 bits, or nil.
    public static func integer(_ value: Any?) -> Int? {
        guard let n = value as? NSNumber, integer(n.doubleValue) != nil else { return nil }
        return Int(n.int64Value)
    }

    /// `value` as an integer when it is integral and fits in 53 bits (exactly a double), or nil.
    public static func integer(_ value: Double) -> Int? {
        guard value.isFinite, value == value.rounded(), abs(value) <= 9_007_199_254_740_992 else { return nil }
        return Int(value)
    }
}
