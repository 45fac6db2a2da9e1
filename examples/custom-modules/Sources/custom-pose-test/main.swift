import CustomModules
import SwiftPose

// `pose-test` with the stock components plus this package's.
var components = Components.stock
do {
    try CustomModules.register(in: &components)
} catch {
    fail("\(error)")
}
PoseTestCommand.main(components: components)
