#!/usr/bin/env python3
"""Documentation coverage of SwiftPose's library modules, as DocC measures it.

Runs `swift package generate-documentation` with DocC's coverage report for each module, prints
how many public declarations have a doc comment (DocC's "abstract"), lists the ones without, and
exits 1 unless every public symbol of every module has one. Synthesized symbols (an `Equatable`
`!=`) are left out; a member that implements a documented protocol requirement inherits its
documentation, as DocC shows it, and so do the initialisers the compiler writes
(`init(rawValue:)`, ArgumentParser's `init(from:)`), whose documentation is the standard
library's (`--enable-inherited-docs`).

    python3 tools/doc_coverage.py                 # every library module
    python3 tools/doc_coverage.py PoseData        # one module, with the missing symbols listed
"""
import re
import subprocess
import sys

MODULES = ["PoseConfig", "PoseTensor", "PoseNN", "PoseData", "PoseModels", "PoseEval", "PoseDistributed",
           "PoseTraining", "PoseCLI", "SwiftPose", "SwiftPoseTestSupport"]


def coverage(module):
    out = subprocess.run(
        ["swift", "package", "generate-documentation", "--target", module, "--experimental-skip-synthesized-symbols", "--enable-inherited-docs",
         "--experimental-documentation-coverage", "--coverage-summary-level", "detailed"],
        capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{module}: generate-documentation failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    total, missing = 0, []
    for line in out.stdout.splitlines():
        cells = [c.strip() for c in line.split("|")]
        # Symbol Name | Kind | Has Abstract | Is Curated | Has Code Listing | Parameters | Language | USR/link
        if len(cells) < 8 or cells[2] not in ("true", "false") or not cells[-1].startswith("doc://"):
            continue
        # pages DocC makes that declare nothing: articles, groups of a protocol's implementations,
        # the page of a module another module extends
        if cells[1] in ("Article", "CollectionGroup", "Collection Group", "Extended Module"):
            continue
        total += 1
        if cells[2] == "false":
            missing.append((cells[1], cells[-1].split("/documentation/", 1)[-1]))
    return total, missing


def main():
    modules = sys.argv[1:] or MODULES
    failed = False
    grand_total = grand_missing = 0
    for module in modules:
        total, missing = coverage(module)
        documented = total - len(missing)
        grand_total += total
        grand_missing += len(missing)
        share = 100.0 * documented / total if total else 100.0
        print(f"{module:22s} {documented:5d} of {total:5d} public symbols documented ({share:.1f}%)")
        for kind, path in sorted(missing, key=lambda m: m[1]):
            print(f"    missing: {kind:20s} {path}")
        failed = failed or bool(missing)
    share = 100.0 * (grand_total - grand_missing) / grand_total if grand_total else 100.0
    print(f"documentation coverage: {grand_total - grand_missing} of {grand_total} public symbols ({share:.1f}%)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
