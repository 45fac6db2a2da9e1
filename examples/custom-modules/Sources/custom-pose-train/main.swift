import CustomModules
import SwiftPose

// `pose-train` with the stock components plus this package's: runs alone or under mpirun.
var components = Components.stock
do {
    try CustomModules.register(in: &components)
} catch {
    fail("\(error)")
}
PoseTrainCommand.main(components: components)
