import ArgumentParser
import PoseCLI
import PoseTraining

/// `pose-analyze pth-transfer`: MMPose's `tools/misc/pth_transfer.py` for DWPose checkpoints.
struct PthTransfer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pth-transfer",
        abstract: "Turn a DWPoseDistiller checkpoint into the plain RTMPose weights it trained (MMPose's tools/misc/pth_transfer.py).",
        discussion: """
        After the first stage the student's weights (student.* without the prefix); with --two-dis, after the second stage, \
        the teacher's backbone and neck with the student's head. The output is a weights-only .safetensors file for the \
        student's config (pose-test, load_from, or the next stage's teacher_pretrained).
        """)

    @Argument(help: "The distiller's checkpoint (.safetensors, or MMPose's .pth).") var distilled: String
    @Argument(help: "The weights file to write (.safetensors).") var output: String
    @Flag(name: .customLong("two-dis"), help: "The checkpoint is from the second stage (two_dis=True).") var twoDis = false

    func run() throws {
        do {
            let count = try DistilledWeights.transfer(from: distilled, to: output, secondStage: twoDis)
            print("\(output): \(count) tensors")
        } catch {
            fail("\(error)")
        }
    }
}
