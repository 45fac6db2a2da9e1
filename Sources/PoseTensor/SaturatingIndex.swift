/// Conversions of untrusted coordinates that never trap.
extension Int {
    /// `Int(value)` for a pixel or heatmap coordinate that may come from bad input: values
    /// beyond ±2^52 (and ±infinity) saturate and NaN gives `Int.min / 4`, all far outside any
    /// image, so bounds checks reject them instead of the conversion trapping.
    @inlinable public init(saturating value: Double) {
        if value.isNaN { self = Int.min / 4; return }
        let limit = 4_503_599_627_370_496.0   // 2^52
        self = Int(Swift.min(Swift.max(value, -limit), limit))
    }
}
