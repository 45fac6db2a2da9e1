"""Compares `pose-analyze check-configs` parameter counts with MMPose 1.3.2's own
(Tests/Fixtures/mmpose_param_counts.json, made by tools/make_mmpose_param_counts.py).

    pose-analyze check-configs <configs> | python3 tools/compare_param_counts.py [-] [--json FILE]
    python3 tools/compare_param_counts.py check_configs_output.txt [--json FILE]

Reads check-configs' per-config lines, `<path>: builds (12,345 parameters)` or `<path>: <reason>`,
with paths absolute (under some `.../configs/`) or relative to the configs folder; a path is
matched to the JSON's keys (paths relative to configs/) by suffix.
Other lines (tallies, reason counts) are ignored. Prints every config that builds in SwiftPose
with a count different from MMPose's (or one MMPose fails to build / does not list), then
"N configs build in SwiftPose; M with MMPose's parameter count, K differ". For a distiller the
JSON's total is compared. Exit status 1 if any differ.
"""
import argparse
import json
import os
import re
import sys

LINE = re.compile(r'^(?P<path>\S.*?\.py): (?P<rest>.*)$')
# digits with any grouping separator Foundation's formatted() may use (',', '.', spaces)
BUILDS = re.compile(r"^builds \((?P<n>\d[\d,.'\u00a0\u202f ]*) parameters?\)")


def key_of(path, keys):
    """The JSON key `path` names: the path itself when relative to the configs folder, else the
    longest key it ends with after a `/` (an absolute path under .../configs/)."""
    path = path.replace(os.sep, '/')
    if path.startswith('./'):
        path = path[2:]
    if path in keys:
        return path
    suffixes = [k for k in keys if path.endswith('/' + k)]
    if suffixes:
        return max(suffixes, key=len)
    marker = 'configs/'
    return path[path.rindex(marker) + len(marker):] if marker in path else path


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('output', nargs='?', default='-',
                        help="check-configs' output (default: standard input)")
    parser.add_argument('--json', default=os.path.join(here, '..', 'Tests', 'Fixtures',
                                                       'mmpose_param_counts.json'))
    args = parser.parse_args()
    with open(args.json) as f:
        reference = json.load(f)['counts']
    stream = sys.stdin if args.output == '-' else open(args.output)
    building = same = 0
    differ = []
    for line in stream:
        match = LINE.match(line.rstrip('\n'))
        if not match:
            continue
        builds = BUILDS.match(match['rest'])
        if not builds:
            continue
        building += 1
        key = key_of(match['path'], reference)
        ours = int(re.sub(r'\D', '', builds['n']))
        theirs = reference.get(key)
        if isinstance(theirs, dict) and 'total' in theirs:
            theirs = theirs['total']
        if isinstance(theirs, int) and theirs == ours:
            same += 1
            continue
        if theirs is None:
            shown = 'not in the MMPose record'
        elif isinstance(theirs, dict):
            shown = f"MMPose does not build it ({theirs.get('error', '?')})"
        else:
            shown = f'MMPose {theirs:,} ({ours - theirs:+,})'
        differ.append(key)
        print(f'{key}: SwiftPose {ours:,}, {shown}')
    print(f"{building} configs build in SwiftPose; {same} with MMPose's parameter count, "
          f'{len(differ)} differ')
    return 1 if differ else 0


if __name__ == '__main__':
    sys.exit(main())
