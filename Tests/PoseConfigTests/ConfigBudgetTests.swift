import Foundation
import Testing
@testable import PoseConfig

/// The third bad-input pass (issue 21) on the config language: values and evaluation held to
/// a budget for the whole load, MMEngine's text forms read as MMEngine reads them, and Python's
/// literal rules.
@Suite struct ConfigBudgetTests {
    /// Depth limits see values, not one expression: a loop wrapping a list, a chain of
    /// `--cfg-options` keys, nested blocks.
    @Test func valuesNestNoDeeperThanTheLimit() throws {
        let loop = "a = []\nfor i in range(100000):\n    a = [a]\n"
        #expect(parseError(loop).contains("<string>:3:9: this value nests deeper than \(ConfigLimits.valueDepth) levels"))
        #expect(parseError("a = []\nfor i in range(100000):\n    a = dict(x=a)\n").contains("nests deeper"))
        #expect(parseError("a = []\nfor i in range(100000):\n    a.append(a)\n").contains("nest deeper"))
        // within the limit the same loop is a value
        let ok = try Config.parse("a = []\nfor i in range(50):\n    a = [a]\n")
        var depth = 0, v = ok.root["a"]!
        while case .list(let items) = v, let first = items.first { depth += 1; v = first }
        #expect(depth == 50)
        var c = try Config.parse("x = 1")
        let key = Array(repeating: "k", count: 40_000).joined(separator: ".")
        #expect(throws: ConfigError.self) { try c.apply(options: [key + "=1"]) }
        do { try c.apply(options: [key + "=1"]) } catch { #expect("\(error)".contains("40000 components")) }
        let blocks = (0..<150).map { String(repeating: " ", count: $0) + "if True:\n" }.joined() + String(repeating: " ", count: 150) + "x = 1\n"
        #expect(parseError(blocks).contains("for/if blocks nested deeper than \(ConfigLimits.blockDepth) levels"))
    }

    /// Work and size are budgeted over the whole load, not per list: repetition that stays under
    /// the per-sequence cap, nested loops, comprehensions, `str()` of a large value.
    @Test func evaluationHasATotalBudget() throws {
        #expect(parseError("a = [0] * 1000\nb = [a] * 1000\nc = [b] * 1000\n").contains("<string>:3:9: this value is too large for a config"))
        #expect(parseError("a = [[[0] * 3000] * 3000] * 3000\n").contains("too large"))
        func budgetError(_ source: String) -> String {
            do { _ = try Config.parse(source, environment: [:], stepLimit: 100_000); return "no error" } catch { return "\(error)" }
        }
        #expect(budgetError("for i in range(1000):\n    for j in range(1000):\n        x = 1\n").contains("evaluating the config takes more than 100000 steps"))
        #expect(budgetError("a = [[j for j in range(1000)] for i in range(1000)]\n").contains("more than 100000 steps"))
        #expect(budgetError("a = [0] * 50000\nb = str([a, a, a])\n").contains("more than 100000 steps"))
        #expect(budgetError("x = 1\nfor i in range(100):\n    x = x + 1\n") == "no error")
        // text is refused before it is rendered (an f-string of this list once took 2 GiB)
        #expect(parseError("a = f'{[[4611686018427387904] * 700000] * 2}'\n").contains("<string>:1:5: the text of this value would be too large"))
        #expect(parseError("a = str([[0] * 700000] * 2)\n").contains("the text of this value would be too large"))
        // range's count without overflow (once Int.min / -1)
        #expect(parseError("a = range(0, -9223372036854775807 - 1, -1)\n").contains("has more than \(ConfigLimits.sequenceLength) items"))
        #expect(try Config.parse("a = range(9223372036854775806, -9223372036854775807 - 1, -4611686018427387904)\n").root["a"]
                == .list([.int(9_223_372_036_854_775_806), .int(4_611_686_018_427_387_902), .int(-2), .int(-4_611_686_018_427_387_906)]))
    }

    @Test func configFilesLargerThanTheLimitAreRefusedUnread() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("huge.py").path
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(ConfigLimits.fileBytes + 1))
        try handle.close()
        #expect(throws: ConfigError("\(path): \(ConfigLimits.fileBytes + 1) bytes is too large for a config file (at most \(ConfigLimits.fileBytes))")) {
            try Config.load(path: path)
        }
        try FileManager.default.createDirectory(atPath: dir.appendingPathComponent("folder.py").path, withIntermediateDirectories: true)
        #expect(throws: ConfigError("\(dir.appendingPathComponent("folder.py").path): not a regular file; a config is a .py file")) {
            try Config.load(path: dir.appendingPathComponent("folder.py").path)
        }
    }

    /// MMEngine reads CRLF files and a UTF-8 byte order mark; so does SwiftPose.
    @Test func crlfAndByteOrderMarkReadAsMMEngineReadsThem() throws {
        let lf = try Config.parse("a = 1\nb = [1,\n 2]\nif a:\n    c = 'x'\n")
        let crlf = try Config.parse("a = 1\r\nb = [1,\r\n 2]\r\nif a:\r\n    c = 'x'\r\n")
        let cr = try Config.parse("a = 1\rb = [1,\r 2]\rif a:\r    c = 'x'\r")
        #expect(lf == crlf && lf == cr)
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("bom.py").path
        try Data([0xEF, 0xBB, 0xBF] + Array("a = 1\r\nb = 'é'\r\n".utf8)).write(to: URL(fileURLWithPath: path))
        let bom = try Config.load(path: path)
        #expect(bom.root["a"] == .int(1) && bom.root["b"] == .string("é"))
    }

    /// MMEngine's `{{ fileDirname }}` and its siblings, `{{$ENV:default}}` and `{{_base_.key}}`.
    @Test func mmengineSubstitutionsAreMade() throws {
        let dir = try temporaryDirectory()
        try "model = dict(depth=50, head=dict(k=17))\nitems = [1, 2]\n".write(to: dir.appendingPathComponent("base.py"), atomically: true, encoding: .utf8)
        let source = """
        _base_ = ['./base.py']
        work_dir = './work_dirs/{{ fileBasenameNoExtension }}'
        here = '{{fileDirname}}'
        names = ('{{ fileBasename }}', '{{  fileExtname}}')
        root = '{{$SWIFTPOSE_TEST_ROOT:/data/coco}}/images'
        count = {{'$SWIFTPOSE_TEST_COUNT:80'}}
        copied = {{_base_.model.head}}
        listed = dict(i={{ _base_.items }})
        literal = '{{ notAVariable }}'
        """
        let path = dir.appendingPathComponent("my_config.py").path
        try source.write(toFile: path, atomically: true, encoding: .utf8)
        let c = try Config.load(path: path, environment: ["SWIFTPOSE_TEST_COUNT": "5"])
        let folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
        #expect(c.root["work_dir"] == .string("./work_dirs/my_config"))
        #expect(c.root["here"] == .string(folder))
        #expect(c.root["names"] == .tuple([.string("my_config.py"), .string(".py")]))
        #expect(c.root["root"] == .string("/data/coco/images"))
        #expect(c.root["count"] == .int(5))
        #expect(c.value(at: "copied.k") == .int(17))
        #expect(c.value(at: "listed.i") == .list([.int(1), .int(2)]))
        #expect(c.root["literal"] == .string("{{ notAVariable }}"))
        try "x = '{{$SWIFTPOSE_SURELY_UNSET:}}'\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) { try Config.load(path: path, environment: [:]) }
        try "_base_ = ['./base.py']\nx = {{_base_.model.nope}}\n".write(toFile: path, atomically: true, encoding: .utf8)
        do { _ = try Config.load(path: path); Issue.record("no error") } catch {
            #expect("\(error)".contains("{{_base_.model.nope}}: 'nope' is not a key of the base configs"))
        }
    }

    /// Python's literal rules: no leading zeros, prefixes, 64-bit integers (no silent inf), and
    /// keys 1 and '1' kept apart or refused.
    @Test func literalsFollowPython() throws {
        #expect(parseError("a = 08\n").contains("<string>:1:5: leading zeros in decimal integer literals are not permitted ('08')"))
        #expect(try Config.parse("a = 00\nb = 0o17\nc = 0b101\nd = 0x1F\ne = 1_000\nf = 08.5\ng = 1e500\n").root
                == ConfigDict([("a", .int(0)), ("b", .int(15)), ("c", .int(5)), ("d", .int(31)), ("e", .int(1000)), ("f", .float(8.5)), ("g", .float(.infinity))]))
        let digits = String(repeating: "9", count: 500)
        #expect(parseError("a = \(digits)\n").contains("does not fit in 64 bits"))
        #expect(parseError("a = 0x1\(String(repeating: "0", count: 20))\n").contains("does not fit in 64 bits"))
        #expect(parseError("a = 1__0\n").contains("invalid number"))
        #expect(parseError("a = {1: 2, '1': 3}\n").contains("<string>:1:12: this dict has both 1 and '1' as keys"))
        #expect(try Config.parse("a = {1: 2, 1: 3}\n").root["a"] == .dict(ConfigDict([("1", .int(3))])))
        #expect(parseError("a = int('\(digits)')\n").contains("not a 64-bit decimal integer"))
    }
}
