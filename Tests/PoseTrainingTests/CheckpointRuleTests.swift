import Foundation
import Testing
import PoseConfig
import PoseDistributed
@testable import PoseTraining

/// MMEngine's CheckpointHook rules: rule inference and refusal, lists of best metrics,
/// `out_dir`, `filename_tmpl`, `save_optimizer`, `save_begin`, and `val_begin`.
@Suite(.serialized) struct CheckpointRuleTests {
    /// MMEngine's `_init_rule`: names equal to or containing its greater/less keys, without case;
    /// anything else needs an explicit rule.
    @Test func ruleInferenceFollowsMMEngine() throws {
        let s = CheckpointHookSpec()
        for (key, rule) in [("acc_pose", CheckpointHookSpec.Rule.greater), ("AUC", .greater), ("loss_kpt", .less),
                            ("coco/AR@10", .greater), ("mAP", .greater), ("val/top1", .greater)] {
            #expect(try s.rule(for: key, at: 0) == rule, "\(key)")
        }
        for key in ["coco/AP", "NME", "EPE", "PCK"] {
            #expect { try s.rule(for: key, at: 0) } throws: { "\($0)".contains("cannot infer the rule for save_best '\(key)'") }
        }
        var given = CheckpointHookSpec()
        given.rules = [.less, nil]
        #expect(try given.rule(for: "coco/AP", at: 0) == .less && given.rule(for: "acc", at: 1) == .greater)
        given.greaterKeys = ["ap"]
        #expect(try given.rule(for: "coco/AP", at: 1) == .greater)
    }

    @Test func badSettingsNameFileKeyAndValue() throws {
        let dir = try temporaryDirectory("ckpt-rules-bad")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = try tinyConfig(in: dir)
        func message(_ options: [String]) -> String {
            do { _ = try settings(config, options: options); return "no error" } catch { return "\(error)" }
        }
        let hook = "default_hooks.checkpoint."
        #expect(message([hook + "save_best=coco/AP"]).contains("tiny.py: default_hooks.checkpoint: cannot infer the rule for save_best 'coco/AP'"))
        #expect(message([hook + "save_best=auto"]).contains("cannot infer the rule for save_best 'coco/AP'"))
        #expect(message([hook + "save_best=NME", hook + "rule=less"]).contains("'NME' is not a metric val_evaluator reports (coco/AP"))
        #expect(message([hook + "save_best=[coco/AP,coco/AP]", hook + "rule=greater"]).contains("save_best: names a metric twice"))
        #expect(message([hook + "save_best=coco/AP", hook + "rule=bigger"]).contains("rule: expected 'greater', 'less' or None, found 'bigger'"))
        #expect(message([hook + "save_best=[coco/AP,coco/AR]", hook + "rule=[less,greater,less]"]).contains("needs one rule or one per save_best metric (2), found 3"))
        #expect(message([hook + "filename_tmpl=epoch.pth"]).contains("filename_tmpl: must contain exactly one '{}'"))
        #expect(message([hook + "filename_tmpl=a/{}.pth"]).contains("must be a file name without '/'"))
        #expect(message([hook + "published_keys=[meta,state_dict]"]).contains("published_keys: publishing"))
        #expect(message([hook + "save_best=coco/AP", hook + "rule=less"]) == "no error")
    }

    /// MMPose 1.3.2's posetrack18 configs save the best 'posetrack18/Total AP', which its
    /// PoseTrack18Metric reported before renaming it 'posetrack18/AP': read as the new name, noted.
    @Test func formerMetricNameMeansItsNewName() throws {
        let dir = try temporaryDirectory("ckpt-rules-former")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = try tinyConfig(in: dir, extra: """
            val_evaluator = dict(type='PoseTrack18Metric', ann_file='a/posetrack18_val.json')
            default_hooks = dict(checkpoint=dict(save_best='posetrack18/Total AP', rule='greater', interval=1))
            """)
        let s = try settings(config)
        #expect(s.hook(CheckpointHookSpec.self)?.saveBest == ["posetrack18/AP"])
        #expect(s.notes == ["default_hooks.checkpoint.save_best 'posetrack18/Total AP' is the name MMPose's metric reported before it was renamed 'posetrack18/AP' (MMEngine stops at the first validation there); saving the best 'posetrack18/AP'"])
        // the current name is taken as it is, without a note
        let current = try settings(config, options: ["default_hooks.checkpoint.save_best=posetrack18/AP"])
        #expect(current.hook(CheckpointHookSpec.self)?.saveBest == ["posetrack18/AP"] && current.notes.isEmpty)
    }

    /// One run with two best metrics under opposite rules, checkpoints under `out_dir` with a
    /// `.pth` template, no optimizer state, validation from epoch 2; then a resume from there.
    @Test func bestMetricsOutDirTemplateAndResume() throws {
        let dir = try temporaryDirectory("ckpt-rules")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try makeDataset(in: dir)
        let config = try tinyConfig(in: dir, epochs: 4)
        let hook = "default_hooks.checkpoint."
        let options = ["train_cfg.val_interval=1", "train_cfg.val_begin=2", hook + "interval=1", hook + "max_keep_ckpts=2",
                       hook + "save_best=[coco/AP,coco/AR]", hook + "rule=[less,greater]", hook + "out_dir=\(dir)/out",
                       hook + "filename_tmpl=ckpt_{}.pth", hook + "save_optimizer=False"]
        let work = dir + "/work"
        try Trainer(settings: try settings(config, options: options), communicator: SingleProcessCommunicator(), workDir: work,
                    loaderThreads: 1).run()
        let out = dir + "/out/work"
        // validation at epochs 2, 3 and 4 only (val_begin=2)
        let records = try scalarRecords(work).filter { $0["coco/AP"] != nil }
        #expect(records.map { $0["step"] as? Int } == [2, 3, 4])
        func bestEpoch(_ key: String, _ better: (Double, Double) -> Bool) -> Int {
            var best: (Double, Int)?
            for r in records { let v = r[key] as! Double; if best == nil || better(v, best!.0) { best = (v, r["step"] as! Int) } }
            return best!.1
        }
        // besides the checkpoints: the run's lock and the record of the work dir that owns the folder
        let all = Set(try FileManager.default.contentsOfDirectory(atPath: out))
        #expect(all.contains(".lock") && all.contains(".swiftpose_work_dir"))
        let files = all.filter { !$0.hasPrefix(".") }
        let expected: Set = ["ckpt_3.safetensors", "ckpt_4.safetensors", "best_coco_AP_ckpt_\(bestEpoch("coco/AP", <)).safetensors",
                             "best_coco_AR_ckpt_\(bestEpoch("coco/AR", >)).safetensors"]
        #expect(files == expected)
        #expect(!FileManager.default.fileExists(atPath: work + "/ckpt_4.safetensors"))
        #expect(try String(contentsOfFile: work + "/last_checkpoint", encoding: .utf8) == out + "/ckpt_4.safetensors")
        let last = try Checkpoint.load(path: out + "/ckpt_4.safetensors")
        #expect(last.meta?.resumable == true && last.meta?.optimizerSaved == false)
        #expect(!last.tensors.keys.contains { $0.hasPrefix("optimizer.") })
        let best = try Checkpoint.load(path: out + "/best_coco_AR_ckpt_\(bestEpoch("coco/AR", >)).safetensors")
        #expect(best.meta?.resumable == false)

        // resuming finds the newest checkpoint under out_dir and starts the optimizer afresh
        let resumed = Trainer(settings: try settings(config, options: options + ["train_cfg.max_epochs=5"]),
                                  communicator: SingleProcessCommunicator(), workDir: work, resume: .latest, loaderThreads: 1)
        try resumed.run()
        let log = try String(contentsOfFile: try #require(resumed.log.path), encoding: .utf8)
        #expect(log.contains("resumed from \(out)/ckpt_4.safetensors"))
        #expect(log.contains("holds no optimizer state (save_optimizer=False); the optimizer starts afresh"))
        #expect(FileManager.default.fileExists(atPath: out + "/ckpt_5.safetensors"))
        #expect(!FileManager.default.fileExists(atPath: out + "/ckpt_3.safetensors"))
    }

    /// `save_last=False` with `interval=-1` writes no regular checkpoint at all; the default
    /// (`save_last=True`) writes the last epoch's.
    @Test func saveLastDecidesTheFinalCheckpoint() throws {
        let dir = try temporaryDirectory("ckpt-last")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try makeDataset(in: dir, train: 4, val: 2)
        let config = try tinyConfig(in: dir, epochs: 2)
        for (saveLast, expected) in [(false, [String]()), (true, ["epoch_2.safetensors"])] {
            let work = dir + "/w\(saveLast)"
            try Trainer(settings: try settings(config, options: ["default_hooks.checkpoint.interval=-1",
                                                                  "default_hooks.checkpoint.save_last=\(saveLast ? "True" : "False")"]),
                        communicator: SingleProcessCommunicator(), workDir: work, loaderThreads: 1).run()
            let files = try FileManager.default.contentsOfDirectory(atPath: work)
            #expect(files.filter { $0.hasSuffix(".safetensors") }.sorted() == expected, "save_last=\(saveLast)")
            #expect(files.contains("last_checkpoint") == saveLast)
        }
    }

    /// `save_begin` moves where `interval` starts counting.
    @Test func saveBeginShiftsTheInterval() {
        var s = CheckpointHookSpec(interval: 2)
        s.saveBegin = 3
        #expect((1...8).filter(s.isSavePoint) == [3, 5, 7])
        s.saveBegin = 0
        #expect((1...8).filter(s.isSavePoint) == [2, 4, 6, 8])
        s.filenameTemplate = "model_{}_final.pth"
        #expect(s.fileName(7) == "model_7_final.safetensors")
    }
}

/// The records of the newest run's `vis_data/scalars.json` in `workDir`.
func scalarRecords(_ workDir: String) throws -> [[String: Any]] {
    let runs = try FileManager.default.contentsOfDirectory(atPath: workDir)
        .filter { FileManager.default.fileExists(atPath: workDir + "/" + $0 + "/vis_data/scalars.json") }.sorted()
    let path = workDir + "/" + (try #require(runs.last)) + "/vis_data/scalars.json"
    return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
        try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
}
