import Foundation
import Testing
@testable import PoseConfig

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The error parsing `source` gives, as text ("no error" when it parses).
func parseError(_ source: String, file: String = "<string>") -> String {
    do { _ = try Config.parse(source, file: file); return "no error" } catch { return "\(error)" }
}

func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftpose-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

@Suite struct ConfigGrammarTests {
    /// MMPose's own configs unpack pairs in comprehensions (`[target for _, target in
    /// keypoint_mapping_coco]`) and raise to powers (`32**0.5`).
    @Test func unpackingTargetsAndPowers() throws {
        let c = try Config.parse("""
        mapping = [(0, 0), (1, 2), (5, 7)]
        targets = [t for _, t in mapping]
        sums = [a + b for (a, b) in mapping if a > 0]
        nested = [x * y * z for x, (y, z) in [(1, (2, 3)), (2, (3, 4))]]
        root = 32**0.5
        cube = 2 ** 3 ** 2
        neg = -2 ** 2
        inv = 2 ** -1
        """)
        #expect(c.value(at: "targets") == .list([0, 2, 7].map { .int($0) }))
        #expect(c.value(at: "sums") == .list([3, 12].map { .int($0) }))
        #expect(c.value(at: "nested") == .list([6, 24].map { .int($0) }))
        #expect(c.value(at: "root") == .float(32.0.squareRoot()))
        #expect(c.value(at: "cube") == .int(512) && c.value(at: "neg") == .int(-4) && c.value(at: "inv") == .float(0.5))
        func message(_ source: String) -> String { parseError(source) }
        #expect(message("x = [a for a, b in [(1, 2, 3)]]").contains("too many values to unpack (expected 2)"))
        #expect(message("x = [a for a, b in [1]]").contains("cannot unpack non-sequence 'int' into 2 names"))
        #expect(message("x = 10 ** 30").contains("integer overflow in 10 ** 30"))
        #expect(message("x = (-8) ** 0.5").contains("is a complex number"))
    }

    @Test func pythonSubsetEvaluates() throws {
        let c = try Config.parse("""
        codec = dict(type='MSRAHeatmap', input_size=(192, 256), heatmap_size=(48, 64), sigma=2)
        data_root = 'data/coco/'
        ann = data_root + 'annotations/' 'x.json'
        f = f'{data_root}train/{codec["sigma"]}'
        size = codec['input_size']
        last = codec['input_size'][-1]
        half = [s // 32 for s in codec['input_size']]
        feat = tuple([s // 32 for s in codec['input_size']])
        one = (4, )
        lst = [1, 2] * 2 + [3]
        lr = 5e-4 * 2
        neg = -3
        flags = dict(a=True, b=False, c=None)
        d = {'bias': dict(decay_mult=0.), 0: 'zero'}
        __hidden = 1
        """)
        #expect(c.value(at: "codec.input_size") == .tuple([.int(192), .int(256)]))
        #expect(c.value(at: "ann") == .string("data/coco/annotations/x.json"))
        #expect(c.value(at: "f") == .string("data/coco/train/2"))
        #expect(c.value(at: "last") == .int(256))
        #expect(c.value(at: "half") == .list([.int(6), .int(8)]))
        #expect(c.value(at: "feat") == .tuple([.int(6), .int(8)]))
        #expect(c.value(at: "one") == .tuple([.int(4)]))
        #expect(c.value(at: "lst") == .list([1, 2, 1, 2, 3].map { .int($0) }))
        #expect(c.value(at: "lr") == .float(1e-3))
        #expect(c.value(at: "neg") == .int(-3))
        #expect(c.value(at: "flags.c") == ConfigValue.none)
        #expect(c.value(at: "d.bias.decay_mult") == .float(0))
        #expect(c.value(at: "d.0") == .string("zero"))
        #expect(c.root["__hidden"] == nil)
        #expect(c.root.keys.first == "codec")
    }

    @Test func syntaxErrorsNameFileLineAndColumn() {
        #expect(throws: ConfigError("my.py:2:10: unexpected ')' after the value of 'b'")) {
            try Config.parse("a = 1\nb = (1, ))\n", file: "my.py")
        }
        #expect(throws: ConfigError("my.py:1:1: 'import' statements are not supported in config files (assignments, for and if blocks only)")) {
            try Config.parse("import os\n", file: "my.py")
        }
        #expect(throws: ConfigError("my.py:3:5: name 'undefined_name' is not defined")) {
            try Config.parse("a = 1\n\nb = undefined_name + 1\n", file: "my.py")
        }
        #expect(throws: ConfigError("my.py:2:6: key 'nope' not found; known keys: x")) {
            try Config.parse("a = {'x': 1}\nb = a['nope']\n", file: "my.py")
        }
        #expect(throws: ConfigError("my.py:1:5: unterminated string literal")) {
            try Config.parse("a = 'abc\n", file: "my.py")
        }
    }

    /// MMPose's UBody configs build their dataset lists in a top-level for loop with append and
    /// f-strings; if/elif/else blocks, tuple targets, nested blocks and dict update also work,
    /// and loop variables stay defined afterwards, as in Python.
    @Test func topLevelForAndIfBlocks() throws {
        let c = try Config.parse("""
        scenes = ['Magic_show', 'Speech']
        datasets = [dict(type='CocoWholeBodyDataset')]

        for scene in scenes:
            each = dict(
                type='UBody2dDataset',
                ann_file=f'annotations/{scene}/train_annotations.json')
            # a comment inside the block
            datasets.append(each)
        pairs = []
        for i, (a, b) in enumerate([(1, 2), (3, 4)]):
            if a > 2:
                pairs.append(a * b)
            elif a == 1:
                pairs.extend([i, b])
            else:
                pairs.insert(0, -1)
        hooks = dict(logger=1)
        hooks.update(dict(checkpoint=2), timer=3)
        if len(scenes) == 3:
            mode = 'three'
        else:
            mode = 'other'
        """, file: "my.py")
        #expect(c.value(at: "datasets.2.ann_file") == .string("annotations/Speech/train_annotations.json"))
        #expect(c.value(at: "datasets.0.type") == .string("CocoWholeBodyDataset"))
        #expect(c.value(at: "scene") == .string("Speech"))
        #expect(c.value(at: "pairs") == .list([.int(0), .int(2), .int(12)]))
        #expect(c.value(at: "hooks.timer") == .int(3) && c.value(at: "hooks.checkpoint") == .int(2))
        #expect(c.value(at: "mode") == .string("other"))
        // MMPose's cocktail14 configs splice pipelines into lists with *
        let spliced = try Config.parse("face = [1, 2]\npipeline = [0, *face, *(3,)]\n", file: "my.py")
        #expect(spliced.value(at: "pipeline") == .list([0, 1, 2, 3].map { .int($0) }))
        #expect(throws: ConfigError("my.py:1:6: cannot unpack 'int' with * (a list or tuple is needed)")) {
            try Config.parse("a = [*1]\n", file: "my.py")
        }
    }

    @Test func blockErrorsNameFileLineAndColumn() {
        #expect(throws: ConfigError("my.py:3:1: unindent does not match any outer indentation level")) {
            try Config.parse("for x in [1]:\n        y = x\n    z = 2\n", file: "my.py")
        }
        #expect(throws: ConfigError("my.py:2:1: unexpected indentation")) {
            try Config.parse("a = 1\n    b = 2\n", file: "my.py")
        }
        #expect(throws: ConfigError("my.py:1:1: 'while' statements are not supported in config files (assignments, for and if blocks only)")) {
            try Config.parse("while True:\n    a = 1\n", file: "my.py")
        }
        #expect(throws: ConfigError("my.py:3:5: 'int' value 'a' has no append taking these arguments (lists: append, extend, insert; dicts: update)")) {
            try Config.parse("a = 1\nfor x in [1]:\n    a.append(x)\n", file: "my.py")
        }
        #expect(throws: ConfigError("my.py:1:15: a block's statements go on the following, indented lines")) {
            try Config.parse("for x in [1]: y = x\n", file: "my.py")
        }
        #expect(throws: ConfigError("my.py:1:1: expected an assignment 'name = value' (statements may also be for/if blocks or append/extend/insert/update calls on a name)")) {
            try Config.parse("print(1)\n", file: "my.py")
        }
    }

    @Test func realMMPoseMetainfoFileParses() throws {
        let c = try Config.load(path: repositoryRoot.appendingPathComponent("configs/_base_/datasets/mpii.py").path)
        guard case .dict(let info) = c.value(at: "dataset_info"), case .dict(let kpts) = info["keypoint_info"] else {
            Issue.record("dataset_info.keypoint_info missing"); return
        }
        #expect(kpts.count == 16)
        #expect(c.value(at: "dataset_info.keypoint_info.9.name") == .string("head_top"))
        #expect(c.value(at: "dataset_info.keypoint_info.0.swap") == .string("left_ankle"))
        #expect(c.value(at: "dataset_info.skeleton_info.10.link") == .tuple([.string("right_shoulder"), .string("right_elbow")]))
        #expect(c.value(at: "dataset_info.skeleton_info.10.color") == .list([.int(255), .int(128), .int(0)]))
        #expect(c.value(at: "dataset_info.paper_info.author") == .string("Mykhaylo Andriluka and Leonid Pishchulin and Peter Gehler and Schiele, Bernt"))
        #expect(c.value(at: "dataset_info.sigmas")?.sequence?.count == 16)
        #expect(c.value(at: "dataset_info.joint_weights.0") == .float(1.5))
    }
}

@Suite struct ConfigMergeTests {
    @Test func mmposeZooConfigInheritsDefaultRuntime() throws {
        let path = repositoryRoot.appendingPathComponent(
            "configs/body_2d_keypoint/topdown_heatmap/coco/td-hm_res50_8xb64-210e_coco-256x192.py").path
        let c = try Config.load(path: path)
        // from the base, merged with the child's dict
        #expect(c.value(at: "default_hooks.logger.interval") == .int(50))
        #expect(c.value(at: "default_hooks.checkpoint.interval") == .int(10))
        #expect(c.value(at: "default_hooks.checkpoint.save_best") == .string("coco/AP"))
        #expect(c.value(at: "train_cfg.by_epoch") == .bool(true))
        #expect(c.value(at: "train_cfg.max_epochs") == .int(210))
        #expect(c.value(at: "model.backbone.depth") == .int(50))
        #expect(c.value(at: "model.head.decoder.input_size") == .tuple([.int(192), .int(256)]))
        #expect(c.value(at: "train_pipeline.5.input_size") == .tuple([.int(192), .int(256)]))
        #expect(c.value(at: "val_dataloader.dataset.bbox_file") == .string(
            "data/coco/person_detection_results/COCO_val2017_detections_AP_H_56_person.json"))
        #expect(c.value(at: "val_evaluator.ann_file") == .string("data/coco/annotations/person_keypoints_val2017.json"))
        #expect(c.value(at: "optim_wrapper.optimizer.lr") == .float(5e-4))
        #expect(c.value(at: "test_dataloader") == c.value(at: "val_dataloader"))
    }

    @Test func listsReplaceDictsMergeAndDeleteDiscards() throws {
        let dir = try temporaryDirectory()
        try """
        a = dict(x=1, y=dict(p=1, q=2), lst=[1, 2, 3])
        b = dict(k=1, m=2)
        s = 'base'
        """.write(to: dir.appendingPathComponent("base.py"), atomically: true, encoding: .utf8)
        try """
        _base_ = './base.py'
        a = dict(y=dict(q=3), lst=[9])
        b = dict(_delete_=True, n=5)
        s = _base_.s + '-child'
        """.write(to: dir.appendingPathComponent("child.py"), atomically: true, encoding: .utf8)
        let c = try Config.load(path: dir.appendingPathComponent("child.py").path)
        #expect(c.value(at: "a.x") == .int(1))
        #expect(c.value(at: "a.y.p") == .int(1))
        #expect(c.value(at: "a.y.q") == .int(3))
        #expect(c.value(at: "a.lst") == .list([.int(9)]))
        #expect(c.value(at: "b") == .dict(ConfigDict([("n", .int(5))])))
        #expect(c.value(at: "s") == .string("base-child"))
        #expect(c.root["_base_"] == nil)
    }

    /// MMEngine's pure-Python configs: bases imported in `with read_base():` (relative, or under
    /// a package's `configs`), their names plain Python variables the child updates or replaces,
    /// and imported classes named in `type=` by their names.
    @Test func readBaseImportsAndClassNames() throws {
        let root = try temporaryDirectory().appendingPathComponent("configs")
        let base = root.appendingPathComponent("_base_"), leaf = root.appendingPathComponent("body/coco")
        for d in [base, leaf] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        try """
        train_cfg = dict(by_epoch=True, max_epochs=210, val_interval=10)
        model = dict(type='TopdownPoseEstimator', test_cfg=dict(flip_test=True))
        seed = 3
        """.write(to: base.appendingPathComponent("default_runtime.py"), atomically: true, encoding: .utf8)
        try "lr = 0.1\nmomentum = 0.9\n".write(to: base.appendingPathComponent("schedule.py"), atomically: true, encoding: .utf8)
        try """
        from mmengine.config import read_base

        with read_base():
            from mmpose.configs._base_.default_runtime import *  # noqa
            from ..._base_.schedule import lr as base_lr

        from torch.optim import Adam
        from mmpose.models import (ResNet,
                                   HeatmapHead as Head)

        train_cfg.update(max_epochs=50)
        model = dict(type='TopdownPoseEstimator', backbone=dict(type=ResNet, depth=50), head=dict(type=Head))
        optim_wrapper = dict(optimizer=dict(type=Adam, lr=base_lr * 2))
        """.write(to: leaf.appendingPathComponent("net.py"), atomically: true, encoding: .utf8)
        let c = try Config.load(path: leaf.appendingPathComponent("net.py").path)
        #expect(c.value(at: "train_cfg.max_epochs") == .int(50) && c.value(at: "train_cfg.val_interval") == .int(10))
        #expect(c.value(at: "seed") == .int(3))
        // a plain assignment replaces the base's value (Python), it does not merge into it
        #expect(c.value(at: "model.test_cfg") == nil && c.value(at: "model.backbone.type") == .string("ResNet"))
        #expect(c.value(at: "model.head.type") == .string("HeatmapHead"))
        #expect(c.value(at: "optim_wrapper.optimizer.type") == .string("Adam") && c.value(at: "optim_wrapper.optimizer.lr") == .float(0.2))
        #expect(c.value(at: "base_lr") == .float(0.1) && c.root["momentum"] == nil && c.root["Adam"] == nil)

        // MMEngine's package-scoped base path, found in the configs folder above the file
        try "_base_ = ['mmpose::_base_/default_runtime.py']\nseed = 4\n"
            .write(to: leaf.appendingPathComponent("scoped.py"), atomically: true, encoding: .utf8)
        let scoped = try Config.load(path: leaf.appendingPathComponent("scoped.py").path)
        #expect(scoped.value(at: "train_cfg.max_epochs") == .int(210) && scoped.value(at: "seed") == .int(4))

        func message(_ source: String) -> String { parseError(source, file: leaf.appendingPathComponent("x.py").path) }
        #expect(message("from torch.optim import *\n").contains("'from ... import *' is supported inside 'with read_base():' only"))
        #expect(message("with open('x') as f:\n    a = 1\n").contains("'with' is supported only as MMEngine's 'with read_base():'"))
        #expect(message("with read_base():\n    a = 1\n").contains("may hold only 'from ... import ...' lines"))
        #expect(message("with read_base():\n    from mmpose.configs._base_.missing import *\n")
            .contains("'mmpose.configs._base_.missing' names _base_/missing.py in a package's configs, but no 'configs' folder above this file holds it"))
        #expect(message("with read_base():\n    from ..._base_.schedule import gamma\n").contains("'gamma' is not defined in"))
    }

    @Test func duplicateKeysAmongBasesAndCyclesAreErrors() throws {
        let dir = try temporaryDirectory()
        try "x = 1\n".write(to: dir.appendingPathComponent("b1.py"), atomically: true, encoding: .utf8)
        try "x = 2\n".write(to: dir.appendingPathComponent("b2.py"), atomically: true, encoding: .utf8)
        try "_base_ = ['b1.py', 'b2.py']\n".write(to: dir.appendingPathComponent("c.py"), atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) { try Config.load(path: dir.appendingPathComponent("c.py").path) }
        try "_base_ = ['loop.py']\n".write(to: dir.appendingPathComponent("loop.py"), atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) { try Config.load(path: dir.appendingPathComponent("loop.py").path) }
        #expect(throws: ConfigError("/nonexistent/x.py: config file not found or unreadable (No such file or directory)")) {
            try Config.load(path: "/nonexistent/x.py")
        }
    }

    @Test func cfgOptionsFollowMMEngineParsing() throws {
        var c = try Config.parse("""
        model = dict(backbone=dict(depth=50), head=dict(out_channels=17))
        pipeline = [dict(type='A', p=0.5), dict(type='B')]
        """)
        try c.apply(options: ["model.backbone.depth=18", "model.head.loss='MSE'", "pipeline.0.p=0.7",
                              "new.key=[1,2]", "t=(1, 2)", "flag=false", "n=None", "csv=a,b", "f=1e-3"])
        #expect(c.value(at: "model.backbone.depth") == .int(18))
        #expect(c.value(at: "model.head.out_channels") == .int(17))
        #expect(c.value(at: "model.head.loss") == .string("MSE"))
        #expect(c.value(at: "pipeline.0.p") == .float(0.7))
        #expect(c.value(at: "pipeline.0.type") == .string("A"))
        #expect(c.value(at: "new.key") == .list([.int(1), .int(2)]))
        #expect(c.value(at: "t") == .tuple([.int(1), .int(2)]))
        #expect(c.value(at: "flag") == .bool(false))
        #expect(c.value(at: "n") == ConfigValue.none)
        #expect(c.value(at: "csv") == .list([.string("a"), .string("b")]))
        #expect(c.value(at: "f") == .float(1e-3))
        #expect(throws: ConfigError.self) { try c.apply(options: ["pipeline.5.p=1"]) }
        #expect(throws: ConfigError.self) { try c.apply(options: ["novalue"]) }
        // what MMEngine's DictAction cannot split is a one-line error, not endless recursion
        for bad in ["x=f(1,2)", "x=(1,2)x", "x=((1,2)", "optim_wrapper=dict(optimizer=dict(type='Adam',lr=1e-3))"] {
            #expect(throws: ConfigError.self) { try c.apply(options: [bad]) }
        }
        #expect(throws: ConfigError("--cfg-options: '.=1' has an empty key or key component (expected a.b.c=value)")) {
            try c.apply(options: [".=1"])
        }
        try c.apply(options: ["nested=[(1,2),[3,'a']]"])
        #expect(c.root["nested"] == .list([.tuple([.int(1), .int(2)]), .list([.int(3), .string("a")])]))
    }
}

/// SwiftPose's own base configs by scope from a folder with no `configs` tree around it, as an
/// outside package's config names them.
@Suite struct BundledConfigTests {
    @Test func swiftposeScopeReachesTheBundledBases() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("c.py").path
        try """
        _base_ = ['swiftpose::_base_/default_runtime.py', 'mmpose::_base_/datasets/coco.py']
        train_cfg = dict(max_epochs=1)
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let config = try Config.load(path: file)
        #expect(config.root["default_scope"] != nil, "default_runtime.py's keys")
        #expect(config.root["dataset_info"] != nil, "coco.py's keys")
        #expect(BundledConfigs.path("_base_/datasets/coco.py") != nil)
        #expect(BundledConfigs.path("../Package.swift") == nil, "nothing outside the bundle")

        try "_base_ = ['swiftpose::_base_/nothing.py']\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect { try Config.load(path: file) } throws: { "\($0)".contains("SwiftPose bundles no _base_/nothing.py") }
    }
}
