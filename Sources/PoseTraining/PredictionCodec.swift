import Foundation
import PoseData
import PoseEval

/// Packs predictions into bytes for gathering over MPI (doubles and int64s, native order:
/// every rank of a job runs on the same architecture).
enum PredictionCodec {
    static func encode(_ predictions: [KeypointPrediction]) -> [UInt8] {
        var values: [Double] = [Double(predictions.count)]
        for p in predictions {
            values += [Double(p.id), Double(p.imageId), Double(p.categoryId), p.bboxScore, p.area, Double(p.keypointScores.count)]
            values += p.keypoints
            values += p.keypointScores
            values += p.bbox.flatMap { $0.count == 4 ? [1] + $0 : nil } ?? [0, 0, 0, 0, 0]
        }
        return values.withUnsafeBytes { Array($0) }
    }

    static func decode(_ bytes: [UInt8]) -> [KeypointPrediction] {
        let values: [Double] = bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / 8)).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) }
        }
        guard let first = values.first else { return [] }
        var out: [KeypointPrediction] = []
        var i = 1
        for _ in 0..<Int(first) {
            let k = Int(values[i + 5])
            var p = KeypointPrediction(id: Int(values[i]), imageId: Int(values[i + 1]), categoryId: Int(values[i + 2]),
                                       keypoints: Array(values[(i + 6)..<(i + 6 + 2 * k)]),
                                       keypointScores: Array(values[(i + 6 + 2 * k)..<(i + 6 + 3 * k)]),
                                       bboxScore: values[i + 3], area: values[i + 4])
            let box = i + 6 + 3 * k
            if values[box] == 1 { p.bbox = Array(values[(box + 1)...(box + 4)]) }
            out.append(p)
            i = box + 5
        }
        return out
    }
}
