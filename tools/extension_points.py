#!/usr/bin/env python3
"""Writes docs/extension-points.md: every protocol a package implements to extend SwiftPose and
the signatures its implementations call, copied from Sources/ with their doc comments, so the
guide cannot drift from the code. `--check` exits 1 when the committed file is out of date
(the README's test command runs it).

    python3 tools/extension_points.py           # rewrite docs/extension-points.md
    python3 tools/extension_points.py --check   # fail if it differs from what Sources/ gives
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "extension-points.md"

# (section, file, type name, what to take: "whole" for protocols, "public" for the public members)
ENTRIES = [
    ("Models", "PoseModels/PoseEstimator.swift", "PoseEstimator", "whole"),
    ("Models", "PoseModels/PoseEstimator.swift", "PoseEstimatorSpec", "whole"),
    ("Models", "PoseModels/Backbone.swift", "Backbone", "whole"),
    ("Models", "PoseModels/BackboneSpec.swift", "BackboneSpec", "whole"),
    ("Models", "PoseModels/PoseHead.swift", "Neck", "whole"),
    ("Models", "PoseModels/NeckSpec.swift", "NeckSpec", "whole"),
    ("Models", "PoseModels/PoseHead.swift", "PoseHead", "whole"),
    ("Models", "PoseModels/HeadSpec.swift", "HeadSpec", "whole"),
    ("Models", "PoseModels/PoseLoss.swift", "PoseLoss", "whole"),
    ("Models", "PoseModels/PoseLoss.swift", "LossSpec", "whole"),
    ("Layers", "PoseNN/Layer.swift", "Layer", "whole"),
    ("Layers", "PoseNN/Parallel.swift", "MultiLayer", "whole"),
    ("Layers", "PoseNN/Conv2d.swift", "Conv2d", "public"),
    ("Layers", "PoseNN/ConvTranspose2d.swift", "ConvTranspose2d", "public"),
    ("Layers", "PoseNN/BatchNorm2d.swift", "BatchNorm2d", "public"),
    ("Layers", "PoseNN/Linear.swift", "Linear", "public"),
    ("Layers", "PoseNN/Sequential.swift", "Sequential", "public"),
    ("Layers", "PoseNN/Residual.swift", "Residual", "public"),
    ("Layers", "PoseNN/Pooling.swift", "MaxPool2d", "public"),
    ("Layers", "PoseNN/Pooling.swift", "AvgPool2d", "public"),
    ("Layers", "PoseNN/Pooling.swift", "GlobalAveragePool", "public"),
    ("Layers", "PoseNN/Pooling.swift", "UpsampleNearest", "public"),
    ("Layers", "PoseNN/Pooling.swift", "UpsampleBilinear", "public"),
    ("Layers", "PoseNN/Parameter.swift", "StateDict", "public"),
    ("Training targets", "PoseData/FieldKey.swift", "FieldKey", "public"),
    ("Training targets", "PoseData/FieldKey.swift", "SampleField", "public"),
    ("Training targets", "PoseData/Fields.swift", "Fields", "public"),
    ("Training targets", "PoseData/FieldKey.swift", "CollateRule", "public"),
    ("Training targets", "PoseData/FieldKey.swift", "FlipRule", "public"),
    ("Training targets", "PoseData/FieldKey.swift", "FlipContext", "public"),
    ("Training targets", "PoseData/KeypointCodec.swift", "KeypointCodec", "whole"),
    ("Training targets", "PoseData/KeypointCodec.swift", "EncodedKeypoints", "public"),
    ("Training targets", "PoseData/HeadTargets.swift", "HeadTargets", "public"),
    ("Training targets", "PoseData/HeadOutput.swift", "HeadOutput", "public"),
    ("Data", "PoseData/Transform.swift", "Transform", "whole"),
    ("Data", "PoseData/TopdownSample.swift", "TopdownSample", "public"),
    ("Data", "PoseData/DatasetSpec.swift", "DatasetSpec", "whole"),
    ("Evaluation", "PoseEval/Metric.swift", "Metric", "whole"),
    ("Evaluation", "PoseEval/Metric.swift", "ResultsFileWriting", "whole"),
    ("Evaluation", "PoseEval/Metric.swift", "EvaluationGroundTruth", "public"),
    ("Optimization", "PoseTraining/Optimization/Optimizer.swift", "Optimizer", "whole"),
    ("Optimization", "PoseTraining/Optimization/Optimizer.swift", "OptimizerSpec", "whole"),
    ("Optimization", "PoseTraining/Optimization/Optimizer.swift", "OptimizerConstructorSpec", "whole"),
    ("Optimization", "PoseTraining/Optimization/ParameterScheduler.swift", "ParameterScheduler", "whole"),
    ("Optimization", "PoseTraining/Optimization/ParameterScheduler.swift", "RangedScheduler", "whole"),
    ("Hooks", "PoseTraining/Hooks/Hook.swift", "Hook", "whole"),
    ("Hooks", "PoseTraining/Hooks/Hook.swift", "HookSpec", "whole"),
    ("Hooks", "PoseTraining/Hooks/Hook+Intervals.swift", "Hook", "extension"),
    ("Registration and config reading", "PoseTraining/Registry/Components.swift", "Components", "public"),
    ("Registration and config reading", "PoseTraining/Registry/Registry.swift", "Registry", "public"),
    ("Registration and config reading", "PoseTraining/Registry/BuildContext.swift", "BuildContext", "public"),
    ("Registration and config reading", "PoseConfig/ConfigReader.swift", "ConfigReader", "public"),
]

DECL = re.compile(r"^public (?:final )?(protocol|struct|class|enum) (\w+)")


def block(lines, start):
    """The index after the closing brace of the declaration starting at `start`."""
    depth = 0
    for i in range(start, len(lines)):
        depth += lines[i].count("{") - lines[i].count("}")
        if depth == 0 and "{" in "".join(lines[start:i + 1]):
            return i + 1
    return len(lines)


def doc_before(lines, i):
    j = i
    while j > 0 and (lines[j - 1].strip().startswith("///") or lines[j - 1].strip().startswith("@")):
        j -= 1
    return j


def public_members(lines, start, end):
    """Doc comments and signatures (cut at the body's brace) of the public members directly in the type."""
    out, i, depth = [], start + 1, 1
    while i < end - 1:
        line = lines[i]
        stripped = line.strip()
        if depth == 1 and re.match(r"(@\w+(\([^)]*\))? )*public ", stripped) and "public init(from" not in stripped:
            sig = []
            j = i
            while True:
                part = lines[j]
                cut = part.find(" {")
                if cut >= 0 and not part.strip().startswith("public static let") and not part.strip().startswith("public static var"):
                    sig.append(part[:cut])
                    break
                sig.append(part)
                if part.rstrip().endswith(")") or part.rstrip().endswith("}") or j + 1 >= end or not (
                        part.rstrip().endswith(",") or part.rstrip().endswith("(") or part.rstrip().endswith("->")):
                    break
                j += 1
            first = doc_before(lines, i)
            out.extend(l.rstrip() for l in lines[first:i])
            text = [s.rstrip() for s in sig]
            # stored closures and constants keep their declaration only
            text[-1] = re.sub(r" = (CollateRule|FlipRule|FieldKey)\b.*$", "", text[-1])
            out.extend(text)
            out.append("")
        depth += line.count("{") - line.count("}")
        i += 1
    while out and out[-1] == "":
        out.pop()
    return out


def extract(path, name, mode):
    lines = (ROOT / "Sources" / path).read_text().splitlines()
    if mode == "extension":
        start = next(i for i, l in enumerate(lines) if l.startswith(f"extension {name}"))
        end = block(lines, start)
        body = public_members(lines, start, end)
        head = lines[doc_before(lines, start):start + 1]
        return "\n".join(head + ["    " + l.strip() if l else "" for l in body] + ["}"])
    start = next(i for i, l in enumerate(lines) if (m := DECL.match(l)) and m.group(2) == name)
    end = block(lines, start)
    first = doc_before(lines, start)
    if mode == "whole":
        return "\n".join(l.rstrip() for l in lines[first:end])
    body = public_members(lines, start, end)
    return "\n".join([l.rstrip() for l in lines[first:start + 1]] + body + ["}"])


def render():
    out = ["# Extension points: the signatures a package implements and calls", "",
           "Generated from `Sources/` by `tools/extension_points.py` (the README's test command checks it is",
           "current): each protocol a package implements to add a component, in full with its contract,",
           "and the public members of the types an implementation calls (`ConfigReader`'s range-checked",
           "reads, the registries, the layers' initialisers, the keyed targets). Bodies are left out. The",
           "guides [Implement a new model](implement-new-model.md) and [Add new modules](add-new-modules.md)",
           "show them at work; the API reference has every other declaration.", ""]
    section = None
    for sec, path, name, mode in ENTRIES:
        if sec != section:
            out += [f"## {sec}", ""]
            section = sec
        title = f"`{name}`" + (" interval helpers" if mode == "extension" else "")
        out += [f"### {title}", "", f"`Sources/{path}`", "", "```swift", extract(path, name, mode), "```", ""]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            sys.exit("docs/extension-points.md is out of date with Sources/; run python3 tools/extension_points.py")
        print("docs/extension-points.md is current")
    else:
        OUT.write_text(text)
        print(f"wrote {OUT.relative_to(ROOT)} ({len(text.splitlines())} lines)")
