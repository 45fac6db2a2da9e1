/// One frame as poseval evaluates it: an entry of PoseTrack17's `annolist`, which poseval's
/// `convert_videos` makes of a PoseTrack18 video file — the frame's people (`annorect`) with
/// their labelled or predicted joints in poseval's 15-joint numbering, and its ignore regions.
struct PoseTrackFrame: Sendable {
    /// A joint of a person (`annopoints[0].point[i]`).
    struct Point: Sendable {
        /// poseval's joint id (`PoseTrackAP.jointNames`).
        var id: Int
        var x: Double
        var y: Double
        /// The keypoint's score (predictions); nil when the file gives none.
        var score: Double?
    }

    /// A person (`annorect[i]`).
    struct Person: Sendable {
        /// Joints in the file's keypoint order (poseval takes the first of an id).
        var points: [Point]
        /// The head box's corners (`x1`, `y1`, `x2`, `y2`, from `bbox_head`); nil without one.
        var head: (x1: Double, y1: Double, x2: Double, y2: Double)?
        var trackId: Int

        /// The first point with joint id `id` (poseval's `getPointGTbyID`).
        func point(_ id: Int) -> Point? { points.first { $0.id == id } }
    }

    var people: [Person]
    /// The vertices of the frame's ignore regions (made polygons only where poseval makes them,
    /// in frames that have ground truth); nil when the image gives none (or an empty list).
    var ignoreRegions: [[(x: Double, y: Double)]]?
    /// The file and image id, for messages.
    var source: String
}
