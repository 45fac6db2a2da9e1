import Foundation
import PoseData
import PoseModels
import PoseTensor
import Testing
@testable import PoseTraining

/// `AmpOptimWrapper` as bfloat16 mixed precision on CPUs: the config keys as MMEngine reads
/// them, the refusal on a CPU without bfloat16 arithmetic, and a training step, `pose-test` and
/// `pose-infer` in bfloat16 against fp32.
@Suite struct MixedPrecisionTests {
    /// One forward and backward of `model` in `precision`: the loss and a copy of the gradients.
    static func step(_ model: TopdownPoseEstimator, images: Tensor, targets: HeadTargets,
                     precision: ComputePrecision) throws -> (loss: Double, gradients: Tensor) {
        model.arena.zeroGradients()
        let loss = try ComputePrecision.$current.withValue(precision) { try model.forwardBackward(images: images, targets: targets) }
        let g = Tensor(zeros: model.arena.gradients.shape)
        g.copy(from: model.arena.gradients)
        return (Double(loss), g)
    }

    @Test func mmposeFp16ConfigsTrainInBFloat16() throws {
        for name in ["td-hm_res50_fp16-8xb64-210e_coco-256x192.py", "td-hm_hrnet-w32_fp16-8xb64-210e_coco-256x192.py"] {
            let s = try settings(repositoryRoot + "/configs/body_2d_keypoint/topdown_heatmap/coco/" + name)
            #expect(s.optimWrapper.type == "AmpOptimWrapper", "\(name)")
            #expect(s.optimWrapper.precision == .bfloat16, "\(name)")
            // the base config's optimizer survives the merge
            #expect(s.optimWrapper.optimizerType == "Adam", "\(name)")
            #expect(s.optimWrapper.notes.contains { $0.contains("loss_scale is not needed") }, "\(name): \(s.optimWrapper.notes)")
            #expect(s.optimWrapper.notes.contains { $0.contains("bfloat16") && $0.contains("dtype=None") }, "\(name): \(s.optimWrapper.notes)")
        }
    }

    @Test func dtypeIsReadAsMMEngineReadsIt() throws {
        let dir = try temporaryDirectory("amp-dtype")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = try tinyConfig(in: dir)
        let amp = "optim_wrapper.type=AmpOptimWrapper"
        #expect(try settings(config).optimWrapper.precision == .float32)
        #expect(try settings(config, options: [amp, "optim_wrapper.dtype=bfloat16"]).optimWrapper.precision == .bfloat16)
        #expect(try settings(config, options: [amp, "optim_wrapper.dtype=float32"]).optimWrapper.precision == .float32)
        let plain = try settings(config, options: [amp, "optim_wrapper.dtype=bfloat16"]).optimWrapper
        #expect(!plain.notes.contains { $0.contains("loss_scale") }, "no loss_scale, no note about it")
        for (dtype, expected) in [("float16", "autocast needs a GPU"), ("int8", "expected 'bfloat16', 'float32' or None")] {
            do {
                _ = try settings(config, options: [amp, "optim_wrapper.dtype=\(dtype)"])
                Issue.record("dtype=\(dtype) was accepted")
            } catch {
                let text = "\(error)"
                #expect(text.contains("optim_wrapper.dtype") && text.contains(expected) && !text.contains("\n"), "\(text)")
            }
        }
    }

    @Test func bfloat16NeedsTheCPUFeatureOrAnExplicitEmulation() throws {
        let remedy = "drop --bf16"
        guard ComputeBackend.current == .onednn else {
            // bfloat16 is the oneDNN backend's
            #expect(throws: BackendError.self) { try ComputePrecision.checkBFloat16(for: "--bf16", remedy: remedy, environment: [:]) }
            return
        }
        guard ComputePrecision.canComputeBFloat16 else {
            // an AVX2-only CPU: no bfloat16 plan at all, so even the emulation is refused, in one line
            for environment in [[:], ["SWIFTPOSE_BF16_EMULATION": "1"]] {
                do {
                    try ComputePrecision.checkBFloat16(for: "--bf16", remedy: remedy, environment: environment)
                    Issue.record("bfloat16 accepted on a CPU without AVX-512")
                } catch {
                    let text = "\(error)"
                    #expect(text.contains("has not even AVX-512") && text.contains(remedy) && !text.contains("\n"), "\(text)")
                }
            }
            return
        }
        #expect(throws: Never.self) {
            try ComputePrecision.checkBFloat16(for: "--bf16", remedy: remedy, environment: ["SWIFTPOSE_BF16_EMULATION": "1"])
        }
        if ComputePrecision.hasNativeBFloat16 {
            #expect(throws: Never.self) { try ComputePrecision.checkBFloat16(for: "--bf16", remedy: remedy, environment: [:]) }
        } else {
            do {
                try ComputePrecision.checkBFloat16(for: "--bf16", remedy: remedy, environment: [:])
                Issue.record("bfloat16 accepted on a CPU without AVX512_BF16 or AMX")
            } catch {
                let text = "\(error)"
                #expect(text.hasPrefix("--bf16: ") && text.contains("AVX512_BF16") && text.contains(ComputePrecision.cpuName)
                        && text.contains(remedy) && !text.contains("\n"), "\(text)")
            }
        }
    }

    /// A backward pass of the tiny ResNet model in bfloat16 against fp32: the loss and every
    /// gradient agree to bfloat16's precision (relative 2⁻⁸ per operand, a few times that after
    /// a dozen layers), and differ from fp32's (the precision took effect).
    @Test(.enabled(if: ComputeBackend.current == .onednn, "bfloat16 runs on the oneDNN backend; SWIFTPOSE_BACKEND=blas refuses it (bfloat16NeedsTheCPUFeatureOrAnExplicitEmulation)"),
          .enabled(if: ComputePrecision.canComputeBFloat16, "bfloat16 needs AVX-512 (oneDNN emulates it there) or AVX512_BF16/AMX; this CPU has neither, and bfloat16NeedsTheCPUFeatureOrAnExplicitEmulation checks that it is refused"))
    func bfloat16StepAgreesWithFloat32() throws {
        let dir = try temporaryDirectory("amp-step")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try settings(try tinyConfig(in: dir))
        let model = try buildTopdown(s, seed: 4)
        let images = Tensor(zeros: [2, 3, 64, 64])
        var rng = RandomGenerator(seed: 5)
        rng.fillNormal(images, std: 1)
        let heatmaps = Tensor(zeros: [2, 17, 16, 16]), weights = Tensor(repeating: 1, shape: [2, 17])
        rng.fillUniform(heatmaps, low: 0, high: 1)
        let targets = HeadTargets(heatmaps: heatmaps, weights: weights)
        func step(_ precision: ComputePrecision) throws -> (loss: Double, gradients: Tensor) {
            try Self.step(model, images: images, targets: targets, precision: precision)
        }
        let fp32 = try step(.float32), bf16 = try step(.bfloat16), again = try step(.float32)
        #expect(again.gradients.array == fp32.gradients.array, "fp32 after bf16 is fp32 again")
        #expect(abs(bf16.loss - fp32.loss) / fp32.loss < 1e-2, "loss \(bf16.loss) vs \(fp32.loss)")
        let difference = relativeError(bf16.gradients, fp32.gradients)
        #expect(difference < 5e-2 && difference > 1e-5, "gradients differ by \(difference) relative")
    }

    /// The same for MMPose's RTMPose-t, shrunk: CSPNeXt's convolutions and RTMCCHead's GAU,
    /// whose linear layers and attention products run on oneDNN's bfloat16 matmul.
    @Test(.enabled(if: ComputeBackend.current == .onednn, "bfloat16 runs on the oneDNN backend; SWIFTPOSE_BACKEND=blas refuses it (bfloat16NeedsTheCPUFeatureOrAnExplicitEmulation)"),
          .enabled(if: ComputePrecision.canComputeBFloat16, "bfloat16 needs AVX-512 (oneDNN emulates it there) or AVX512_BF16/AMX; this CPU has neither, and bfloat16NeedsTheCPUFeatureOrAnExplicitEmulation checks that it is refused"))
    func rtmposeBFloat16StepAgreesWithFloat32() throws {
        let dir = try temporaryDirectory("amp-rtmpose")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try settings(try RTMPoseTrainingTests.shrunkConfig(in: dir), options: ["custom_hooks=[]", "model.backbone.init_cfg=None"])
        let model = try buildTopdown(s, seed: 6)
        let codec = try #require(s.model.decoder)
        var rng = RandomGenerator(seed: 7)
        let images = Tensor(zeros: [2, 3, 64, 64])
        rng.fillNormal(images, std: 1)
        var fields = Fields<Tensor>()
        for (key, shape) in codec.targetShapes(keypoints: 17).sorted(by: { $0.key.name < $1.key.name }) {
            let t = Tensor(repeating: 1, shape: [2] + shape)
            if key != .keypointWeights { rng.fillUniform(t, low: 0, high: 1) }
            fields[key] = t
        }
        let targets = HeadTargets(fields: fields)
        func step(_ precision: ComputePrecision) throws -> (loss: Double, gradients: Tensor) {
            try Self.step(model, images: images, targets: targets, precision: precision)
        }
        let fp32 = try step(.float32), bf16 = try step(.bfloat16)
        #expect(abs(bf16.loss - fp32.loss) / fp32.loss < 1e-2, "loss \(bf16.loss) vs \(fp32.loss)")
        // the gradients go through BatchNorm over a handful of values per channel in the last
        // stages (a 64 × 64 input, batch 2), which magnifies any rounding; inference, on running
        // statistics, shows the rounding itself
        #expect(relativeError(bf16.gradients, fp32.gradients) > 1e-5)
        let x = try #require(model.predictOutput(images).simccX).clone()
        let y = try #require(ComputePrecision.$current.withValue(.bfloat16) { model.predictOutput(images).simccX }).clone()
        let difference = relativeError(y, x)
        #expect(difference < 2e-2 && difference > 1e-5, "SimCC x outputs differ by \(difference) relative")
    }

    /// `pose-train` with `AmpOptimWrapper` as a user runs it (emulated where the CPU lacks
    /// bfloat16, with the reason printed), its checkpoint fp32 and loadable by an fp32
    /// `pose-test`, and `pose-test --bf16` on it close to fp32. (Keypoints within a pixel are
    /// checked on the quick-start model, in BENCHMARKS.md: a one-epoch model's are not stable.)
    @Test(.enabled(if: ComputeBackend.current == .onednn, "bfloat16 runs on the oneDNN backend; SWIFTPOSE_BACKEND=blas refuses it (bfloat16NeedsTheCPUFeatureOrAnExplicitEmulation)"),
          .enabled(if: ComputePrecision.canComputeBFloat16, "bfloat16 needs AVX-512 (oneDNN emulates it there) or AVX512_BF16/AMX; this CPU has neither, and bfloat16NeedsTheCPUFeatureOrAnExplicitEmulation checks that it is refused"))
    func poseTrainAndTestInBFloat16() throws {
        let dir = try temporaryDirectory("amp-train")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try makeDataset(in: dir, train: 6, val: 3)
        let config = try tinyConfig(in: dir, epochs: 1)
        var environment: [String: String] = [:]
        if !ComputePrecision.hasNativeBFloat16 {
            print("MixedPrecisionTests: \(ComputePrecision.cpuName) has no AVX512_BF16 or AMX; bfloat16 runs in oneDNN's emulation (SWIFTPOSE_BF16_EMULATION=1), which checks results, not speed")
            environment["SWIFTPOSE_BF16_EMULATION"] = "1"
            // without it the run stops before it writes anything
            let refused = try ChildProcess([try executable("pose-train"), config, "--work-dir", dir + "/refused",
                                            "--cfg-options", "optim_wrapper.type=AmpOptimWrapper"])
            #expect(refused.finish(timeout: 120) != 0)
            #expect(refused.text.contains("AVX512_BF16"), "\(refused.text)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/refused"))
        }
        let work = dir + "/work"
        let train = try ChildProcess([try executable("pose-train"), config, "--work-dir", work,
                                      "--cfg-options", "optim_wrapper.type=AmpOptimWrapper", "optim_wrapper.loss_scale=dynamic"],
                                     environment: environment)
        #expect(train.finish(timeout: 300) == 0, "\(train.text)")
        #expect(train.text.contains("convolutions and matrix products multiply in bfloat16"), "\(train.text)")
        #expect(train.text.contains("loss_scale is not needed"), "\(train.text)")
        let checkpoint = work + "/epoch_1.safetensors"
        let loaded = try Checkpoint.load(path: checkpoint)
        #expect(loaded.tensors.values.filter { $0.dtype != "F32" && $0.dtype != "I64" }.isEmpty, "checkpoint tensors stay fp32")

        let fp32 = try ChildProcess([try executable("pose-test"), config, checkpoint, "--dump", dir + "/fp32.json"])
        #expect(fp32.finish(timeout: 120) == 0, "\(fp32.text)")
        let bf16 = try ChildProcess([try executable("pose-test"), config, checkpoint, "--bf16", "--dump", dir + "/bf16.json"],
                                    environment: environment)
        #expect(bf16.finish(timeout: 120) == 0, "\(bf16.text)")
        func keypoints(_ path: String) throws -> [[Double]] {
            let list = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [[String: Any]])
            return list.map { ($0["keypoints"] as? [NSNumber] ?? []).map(\.doubleValue) }
        }
        let a = try keypoints(dir + "/fp32.json"), b = try keypoints(dir + "/bf16.json")
        #expect(a.count == b.count && !a.isEmpty)
        // a one-epoch model's heatmaps are nearly flat, so their arg-max moves with any rounding;
        // their maxima (the keypoint scores) move no more than the heatmaps themselves
        var worst = 0.0, largest = 0.0, differing = 0
        for (p, q) in zip(a, b) where p.count == q.count {
            for k in stride(from: 2, to: p.count, by: 3) {
                worst = max(worst, abs(p[k] - q[k])); largest = max(largest, abs(p[k]))
                if p[k] != q[k] { differing += 1 }
            }
        }
        #expect(largest > 0 && worst <= 0.02 * largest, "keypoint scores differ by up to \(worst) (largest score \(largest))")
        #expect(differing > 0, "--bf16 changed no score: did it take effect?")

        // pose-infer --bf16 on an image, against pose-infer in fp32
        let image = dir + "/data/val/000001000001.jpg"
        var scores: [[Double]] = []
        for flags in [[], ["--bf16"]] {
            let out = dir + "/infer\(flags.count).json"
            let infer = try ChildProcess([try executable("pose-infer"), config, checkpoint, image, "--bbox", "5,5,60,70", "--out", out] + flags,
                                         environment: environment)
            #expect(infer.finish(timeout: 120) == 0, "\(infer.text)")
            let results = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [[String: Any]])
            let points = try #require(results.first?["keypoints"] as? [[Double]])
            scores.append(points.map { $0[2] })
        }
        #expect(scores[0].count == 17 && scores[1].count == 17)
        #expect(scores[0] != scores[1], "--bf16 changed no score: did it take effect?")
        #expect(zip(scores[0], scores[1]).allSatisfy { abs($0 - $1) <= 0.02 * max(largest, 1e-6) }, "\(scores)")
    }
}
