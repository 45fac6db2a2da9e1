import Foundation
import Testing
import PoseData
@testable import PoseTraining

/// DWPose's two stages as MMPose's configs write them (`dwpose_l_dis_m_coco-256x192.py` and
/// `dwpose_m-mm_coco-256x192.py`, by text substitution: the teacher and student are the shrunk
/// RTMPose-t of `RTMPoseTrainingTests` at two widths, the wholebody data the synthetic set), under
/// `mpirun -np 2`: the first stage trains the student with the teacher frozen, resumes, and its
/// checkpoint evaluates as the student alone once `pose-analyze pth-transfer` has taken it out;
/// the second stage trains the student's head on the frozen network's features and logits, and
/// `pth-transfer --two-dis` gives the network it evaluates.
@Suite(.serialized) struct DWPoseTrainingTests {
    static func substitute(_ path: String, _ substitutions: [(String, String)], into destination: String) throws {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        for (old, new) in substitutions {
            guard text.contains(old) else { throw TrainingError("\(path) no longer contains \(old)") }
            text = text.replacingOccurrences(of: old, with: new)
        }
        try text.write(toFile: destination, atomically: true, encoding: .utf8)
    }

    @Test func bothStagesTrainResumeAndTransfer() throws {
        let dir = try temporaryDirectory("dwpose")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try makeDataset(in: dir, train: 8, val: 2)
        let teacherConfig = try RTMPoseTrainingTests.shrunkConfig(in: dir)
        let studentConfig = dir + "/student.py"
        try Self.substitute(teacherConfig, [("widen_factor=0.125", "widen_factor=0.0625"), ("in_channels=128", "in_channels=64")], into: studentConfig)
        // any weights make a teacher; these are a random RTMPose's, saved as a checkpoint
        let teacher = try makeModel(try settings(teacherConfig), seed: 7)
        let teacherWeights = dir + "/teacher.safetensors"
        let meta = CheckpointMeta(epoch: 0, iteration: 0, optimizerSteps: 0, optimizer: "AdamW", seed: 0, worldSize: 1)
        try Checkpoint.save(model: teacher, optimizer: nil, contents: CheckpointContents(meta: meta), to: teacherWeights)

        let dwpose = repositoryRoot + "/configs/wholebody_2d_keypoint/dwpose/coco-wholebody/"
        let first = dir + "/dwpose-s1.py"
        try Self.substitute(dwpose + "s1_dis/dwpose_l_dis_m_coco-256x192.py", [
            ("'../../../rtmpose/coco-wholebody/rtmpose-m_8xb64-270e_coco-wholebody-256x192.py'", "'\(studentConfig)'"),
            ("'https://download.openmmlab.com/mmpose/v1/projects/'\n    'rtmpose/rtmpose-l_simcc-coco-wholebody_pt-aic-coco_270e-256x192-6f206314_20230124.pth'", "'\(teacherWeights)'"),
            ("'configs/wholebody_2d_keypoint/rtmpose/coco-wholebody/'\n    'rtmpose-l_8xb64-270e_coco-wholebody-256x192.py'", "'\(teacherConfig)'"),
            ("'configs/wholebody_2d_keypoint/rtmpose/coco-wholebody/'\n    'rtmpose-m_8xb64-270e_coco-wholebody-256x192.py'", "'\(studentConfig)'"),
            ("student_channels=768", "student_channels=64"), ("teacher_channels=1024", "teacher_channels=128"),
        ], into: first)

        let train = try executable("pose-train"), test = try executable("pose-test"), analyze = try executable("pose-analyze")
        let mpi = ["mpirun", "-np", "2", "--oversubscribe", "--bind-to", "none", "--timeout", "500", "-x", "OPENBLAS_NUM_THREADS=1"]
        let work = dir + "/s1"
        let (status, output) = try run(mpi + [train, first, "--work-dir", work, "--no-pretrained"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("2 ranks") && output.contains("DWPoseDistiller"))
        for name in ["loss_kpt", "acc_pose", "loss_fea", "loss_logit"] { #expect(output.contains(name + ": "), "\(name) not logged") }
        #expect(output.contains("teacher initialised from \(teacherWeights) (all keys matched)"), "\(output)")

        // the teacher is frozen: its weights are the file's (the EMA of a constant, to rounding)
        let checkpoint = try Checkpoint.load(path: work + "/epoch_3.safetensors")
        let donor = Dictionary(uniqueKeysWithValues: teacher.state.parameters.map { ($0.name, $0.parameter.value) })
        var compared = 0
        for (key, value) in donor {
            let saved = try fixtureTensor(checkpoint, "teacher." + key)
            for i in 0..<value.count where abs(saved[i] - value[i]) > 1e-6 * max(1, abs(value[i])) {
                Issue.record("teacher.\(key)[\(i)]: \(saved[i]) saved, \(value[i]) loaded"); break
            }
            compared += 1
        }
        #expect(compared > 100)

        // the distiller evaluates as its student, alone once transferred
        let validation = output.components(separatedBy: "Epoch(val) [3]").last ?? ""
        let (testStatus, testOutput) = try run([test, first, work + "/epoch_3.safetensors"])
        #expect(testStatus == 0, "\(testOutput)")
        let student = dir + "/student-s1.safetensors"
        let (transferStatus, transferOutput) = try run([analyze, "pth-transfer", work + "/epoch_3.safetensors", student])
        #expect(transferStatus == 0, "\(transferOutput)")
        let (aloneStatus, aloneOutput) = try run([test, studentConfig, student, "--cfg-options", "model.backbone.init_cfg=None"])
        #expect(aloneStatus == 0, "\(aloneOutput)")
        for name in ["coco/AP", "PCK"] {
            let validated = try #require(RTMPoseTrainingTests.figure(name, in: validation), "\(output)")
            let tested = try #require(RTMPoseTrainingTests.figure(name, in: testOutput), "\(testOutput)")
            let alone = try #require(RTMPoseTrainingTests.figure(name, in: aloneOutput), "\(aloneOutput)")
            #expect(validated == tested && tested == alone, "\(name): validation \(validated), pose-test \(tested), transferred \(alone)")
        }

        let (resumed, resumedOutput) = try run(mpi + [train, first, "--work-dir", work, "--resume", "--no-pretrained", "--cfg-options", "train_cfg.max_epochs=4"])
        #expect(resumed == 0, "\(resumedOutput)")
        #expect(resumedOutput.contains("Epoch(train) [4]") && !resumedOutput.contains("Epoch(train) [3]"), "\(resumedOutput)")

        // the second stage: the transferred student teaches a new head on its own features
        let second = dir + "/dwpose-s2.py"
        try Self.substitute(dwpose + "s2_dis/dwpose_m-mm_coco-256x192.py", [
            ("'../../../rtmpose/coco-wholebody/rtmpose-m_8xb64-270e_coco-wholebody-256x192.py'", "'\(studentConfig)'"),
            ("train_cfg = dict(max_epochs=60, val_interval=10)", "train_cfg = dict(max_epochs=1, val_interval=1)"),
            ("'work_dirs/'\n    'dwpose_l_dis_m_coco-256x192/dw-l-m_coco_256.pth'", "'\(student)'"),
            ("'configs/wholebody_2d_keypoint/rtmpose/coco-wholebody/'\n    'rtmpose-m_8xb64-270e_coco-wholebody-256x192.py'", "'\(studentConfig)'"),
        ], into: second)
        let work2 = dir + "/s2"
        let (status2, output2) = try run(mpi + [train, second, "--work-dir", work2, "--no-pretrained"])
        #expect(status2 == 0, "\(output2)")
        #expect(output2.contains("loss_logit: ") && !output2.contains("loss_kpt: ") && !output2.contains("loss_fea: "), "\(output2)")
        let validation2 = output2.components(separatedBy: "Epoch(val) [1]").last ?? ""
        let final = dir + "/student-s2.safetensors"
        let (transfer2, transferOutput2) = try run([analyze, "pth-transfer", work2 + "/epoch_1.safetensors", final, "--two-dis"])
        #expect(transfer2 == 0, "\(transferOutput2)")
        let (alone2, aloneOutput2) = try run([test, studentConfig, final, "--cfg-options", "model.backbone.init_cfg=None"])
        #expect(alone2 == 0, "\(aloneOutput2)")
        for name in ["coco/AP", "PCK"] {
            let validated = try #require(RTMPoseTrainingTests.figure(name, in: validation2), "\(output2)")
            let alone = try #require(RTMPoseTrainingTests.figure(name, in: aloneOutput2), "\(aloneOutput2)")
            #expect(validated == alone, "\(name): second stage's validation \(validated), transferred \(alone)")
        }
        // a first stage's checkpoint is not a second stage's
        let (wrong, wrongOutput) = try run([analyze, "pth-transfer", teacherWeights, dir + "/x.safetensors"])
        #expect(wrong != 0 && wrongOutput.contains("DWPoseDistiller"), "\(wrongOutput)")
    }
}
