/// An ignore region of a PoseTrack frame: the polygon poseval builds with shapely
/// (`geometry.Polygon` of the listed vertices, closed by shapely) and its `contains` test as GEOS
/// decides it: a point on an edge or a vertex is not contained, and a self-intersecting outline
/// contains what an odd number of crossings of a ray to the right says (GEOS' `RayCrossingCounter`,
/// with exact orientation signs where GEOS uses double-double arithmetic).
struct IgnoreRegion: Sendable {
    /// The vertices as listed (an empty list is shapely's empty polygon, which contains nothing).
    let vertices: [(x: Double, y: Double)]

    /// - Throws: for one or two vertices, which shapely refuses ("A linearring requires at least
    ///   4 coordinates"), so poseval stops there.
    init(vertices: [(x: Double, y: Double)]) throws {
        guard vertices.isEmpty || vertices.count >= 3 else {
            throw MetricError("an ignore region has \(vertices.count) vertices; poseval's polygons need at least 3 (or none)")
        }
        self.vertices = vertices
    }

    /// Whether `(x, y)` lies in the polygon's interior.
    func contains(x: Double, y: Double) -> Bool {
        guard !vertices.isEmpty else { return false }
        let ring = vertices + [vertices[0]]
        var crossings = 0
        for i in 1..<ring.count {
            switch IgnoreRegion.crossing(ring[i], ring[i - 1], x, y) {
            case .onSegment: return false
            case .crosses: crossings += 1
            case .none: break
            }
        }
        return crossings % 2 == 1
    }

    enum Crossing { case none, crosses, onSegment }

    /// GEOS' `RayCrossingCounter::countSegment` for the segment p1–p2 and the ray from (x, y) to +x.
    static func crossing(_ p1: (x: Double, y: Double), _ p2: (x: Double, y: Double), _ x: Double, _ y: Double) -> Crossing {
        // strictly left of the point
        if p1.x < x && p2.x < x { return .none }
        if x == p2.x && y == p2.y { return .onSegment }
        // horizontal segments: on it or not counted
        if p1.y == y && p2.y == y {
            let lo = min(p1.x, p2.x), hi = max(p1.x, p2.x)
            return x >= lo && x <= hi ? .onSegment : .none
        }
        // an upward edge includes its start and excludes its end, a downward one the reverse
        guard (p1.y > y && p2.y <= y) || (p2.y > y && p1.y <= y) else { return .none }
        var sign = orientation(p1, p2, (x, y))
        if sign == 0 { return .onSegment }
        if p2.y < p1.y { sign = -sign }
        return sign > 0 ? .crosses : .none
    }

    /// The exact sign of the cross product (p2 − p1) × (q − p1): +1 when q is left of p1→p2,
    /// −1 right, 0 on the line. The determinant is expanded into six products of the inputs, each
    /// split exactly into two doubles, and summed exactly (Shewchuk's grow-expansion); its sign is
    /// that of the largest component.
    static func orientation(_ p1: (x: Double, y: Double), _ p2: (x: Double, y: Double), _ q: (x: Double, y: Double)) -> Int {
        // (p2x − p1x)(qy − p1y) − (p2y − p1y)(qx − p1x), the p1x·p1y terms cancelled
        let products: [(Double, Double, Double)] = [
            (p2.x, q.y, 1), (p2.x, p1.y, -1), (p1.x, q.y, -1), (p2.y, q.x, -1), (p2.y, p1.x, 1), (p1.y, q.x, 1),
        ]
        var expansion: [Double] = []
        for (a, b, s) in products {
            let hi = a * b, lo = (-hi).addingProduct(a, b)  // fma: a·b − hi, exactly
            for term in [s * lo, s * hi] where term != 0 {
                var q = term
                var grown: [Double] = []
                for e in expansion {
                    let sum = q + e, bv = sum - q, err = (q - (sum - bv)) + (e - bv)
                    if err != 0 { grown.append(err) }
                    q = sum
                }
                if q != 0 { grown.append(q) }
                expansion = grown
            }
        }
        guard let top = expansion.last else { return 0 }
        return top > 0 ? 1 : -1
    }
}
