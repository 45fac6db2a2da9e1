import Foundation
import Testing
@testable import PoseTraining

/// Network-namespace "nodes" (cluster/netns/nodes.sh) for the length of a test.
struct NetnsNodes {
    let prefix: String
    let count: Int
    let dir: String
    static let script = repositoryRoot + "/cluster/netns/nodes.sh"

    /// Whether this machine can make them: root, and `ip netns` works.
    static let available: Bool = {
        guard getuid() == 0 else { return false }
        let probe = "swp\(getpid() % 100000)"
        guard (try? run(["ip", "netns", "add", probe], timeout: 20).0) == 0 else { return false }
        _ = try? run(["ip", "netns", "del", probe], timeout: 20)
        return true
    }()

    init(count: Int, slots: Int = 1, dir: String) throws {
        prefix = "sp\(getpid() % 10000)\(Int.random(in: 0..<100))n"
        self.count = count
        self.dir = dir
        let (status, output) = try run(["env", "SLOTS=\(slots)", "bash", NetnsNodes.script, "up", prefix, "\(count)", dir], timeout: 60)
        guard status == 0 else { throw TrainingError("nodes.sh up failed: \(output)") }
    }

    func tearDown() { _ = try? run(["bash", NetnsNodes.script, "down", prefix, "\(count)"], timeout: 60) }

    /// `launch/dist_train.sh` run on node 0 the way cluster/README.md describes, with
    /// cluster/netns/agent.sh standing in for ssh.
    func distTrain(_ config: String, ranks: Int, _ arguments: [String]) throws -> [String] {
        ["bash", NetnsNodes.script, "exec", prefix, "0", "env", "HOSTFILE=\(dir)/hostfile", "THREADS=1",
         "POSE_BIN=\(URL(fileURLWithPath: try executable("pose-train")).deletingLastPathComponent().path)",
         "SWIFTPOSE_NETNS_HOSTS=\(dir)/hosts", "OMPI_MCA_plm_rsh_agent=\(repositoryRoot)/cluster/netns/agent.sh",
         "OMPI_MCA_btl_tcp_if_include=10.77.0.0/24", "OMPI_MCA_oob_tcp_if_include=10.77.0.0/24",
         "bash", repositoryRoot + "/launch/dist_train.sh", config, "\(ranks)"] + arguments
    }

    /// Processes running in node `i`'s namespace.
    func processes(onNode i: Int) -> Int {
        let (_, output) = (try? run(["ip", "netns", "pids", "\(prefix)\(i)"], timeout: 20)) ?? (1, "")
        return output.split(separator: "\n").filter { Int($0) != nil }.count
    }
}

/// One machine run on the same host, with the launch script's single-node settings.
func singleNodeTrain(_ config: String, ranks: Int, _ arguments: [String]) throws -> [String] {
    ["env", "THREADS=1", "POSE_BIN=\(URL(fileURLWithPath: try executable("pose-train")).deletingLastPathComponent().path)",
     "bash", repositoryRoot + "/launch/dist_train.sh", config, "\(ranks)"] + arguments
}

/// Multi-node runs over network-namespace nodes on a private bridge: the ranks talk TCP as on
/// separate machines. Needs root and `ip netns` (CI runs as root); skipped elsewhere.
@Suite(.serialized, .enabled(if: NetnsNodes.available, "needs root and `ip netns` to make network-namespace nodes"))
struct MultiNodeTests {
    /// 2 ranks on two nodes and 4 ranks on two nodes train to the same weights, bit for bit, as
    /// the same ranks on one node.
    @Test(arguments: [(2, 1), (4, 2)])
    func nodesTrainLikeOneNode(ranks: Int, perNode: Int) throws {
        let dir = try temporaryDirectory("nodes\(ranks)")
        try makeDataset(in: dir, train: 8, val: 2)
        let config = try tinyConfig(in: dir, batchSize: 2, epochs: 2, extra: "train_cfg = dict(max_epochs=2, val_interval=100)")
        let nodes = try NetnsNodes(count: 2, slots: perNode, dir: dir + "/nodes")
        defer { nodes.tearDown() }
        let (s1, out1) = try run(try nodes.distTrain(config, ranks: ranks, ["--work-dir", dir + "/multi"]))
        #expect(s1 == 0, "\(out1)")
        #expect(out1.contains("SwiftPose training: \(ranks) ranks"), "\(out1)")
        let (s2, out2) = try run(try singleNodeTrain(config, ranks: ranks, ["--work-dir", dir + "/single"]))
        #expect(s2 == 0, "\(out2)")
        #expect(try sameModelState(dir + "/multi/epoch_2.safetensors", dir + "/single/epoch_2.safetensors"))
    }

    /// A node cut off mid-run (its bridge link down): OpenMPI's keepalive, set by the launch
    /// script, notices within ~16 s and the job ends before env_cfg.dist_cfg.timeout (30 s) plus
    /// a few seconds, with no process left on either node; --resume then continues to the
    /// uninterrupted run's weights, bit for bit.
    @Test func aCutLinkEndsTheJobAndResumeContinuesExactly() throws {
        let dir = try temporaryDirectory("cut")
        try makeDataset(in: dir, train: 8, val: 2)
        let config = try tinyConfig(in: dir, batchSize: 2, epochs: 300, extra: "train_cfg = dict(max_epochs=300, val_interval=1000)")
        let timeout = 30.0
        let options = ["--cfg-options", "env_cfg.dist_cfg.timeout=\(Int(timeout))", "default_hooks.logger.interval=50"]
        let nodes = try NetnsNodes(count: 2, dir: dir + "/nodes")
        defer { nodes.tearDown() }
        let child = try ChildProcess(try nodes.distTrain(config, ranks: 2, ["--work-dir", dir + "/w"] + options))
        #expect(child.wait(until: { FileManager.default.fileExists(atPath: dir + "/w/epoch_20.safetensors") }, timeout: 120), "\(child.text)")
        _ = try run(["bash", NetnsNodes.script, "cut", nodes.prefix, "1"])
        let cut = Date()
        while Date().timeIntervalSince(cut) < timeout + 30 && (nodes.processes(onNode: 0) + nodes.processes(onNode: 1)) > 0 {
            usleep(200_000)
        }
        let took = Date().timeIntervalSince(cut)
        #expect(nodes.processes(onNode: 0) == 0 && nodes.processes(onNode: 1) == 0)
        #expect(took < timeout + 8, "the job took \(took) s to end after the cut")
        #expect(child.finish(timeout: 10) != 0)
        #expect(child.text.contains("lost communication") || child.text.contains("has not finished after"), "\(child.text)")

        // the link back, resume: the same weights as a run that never stopped
        _ = try run(["bash", NetnsNodes.script, "mend", nodes.prefix, "1", "2"])
        let shorter = ["--cfg-options", "train_cfg.max_epochs=40", "default_hooks.logger.interval=50"]
        let (s1, out1) = try run(try nodes.distTrain(config, ranks: 2, ["--work-dir", dir + "/w", "--resume"] + shorter))
        #expect(s1 == 0, "\(out1)")
        #expect(out1.contains("resumed from"), "\(out1)")
        let (s2, out2) = try run(try nodes.distTrain(config, ranks: 2, ["--work-dir", dir + "/straight"] + shorter))
        #expect(s2 == 0, "\(out2)")
        #expect(try sameModelState(dir + "/w/epoch_40.safetensors", dir + "/straight/epoch_40.safetensors"))
    }
}
