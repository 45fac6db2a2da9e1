#!/usr/bin/env bash
# Checks that another package can depend on SwiftPose by version, not only by path: SwiftPM
# refuses a versioned dependency whose targets use unsafeFlags. Clones the committed HEAD into a
# local bare repository tagged 0.0.0-check, builds a consumer that depends on it with
# `.package(url:from:)` and runs it. Usage: tools/check_versioned_dependency.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git clone -q --bare "$root" "$tmp/SwiftPose.git"
git -C "$tmp/SwiftPose.git" tag 0.0.1 HEAD
mkdir -p "$tmp/consumer/Sources/consumer"
cat > "$tmp/consumer/Package.swift" <<SWIFT
// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "consumer",
    platforms: [.macOS(.v14)],
    dependencies: [.package(url: "file://$tmp/SwiftPose.git", from: "0.0.1")],
    targets: [.executableTarget(name: "consumer", dependencies: [.product(name: "SwiftPose", package: "SwiftPose")])]
)
SWIFT
cat > "$tmp/consumer/Sources/consumer/main.swift" <<'SWIFT'
import SwiftPose
print("SwiftPose by version: backbones \(Components.stock.backbones.names), metainfo \(DatasetMetainfo.bundledFiles)")
SWIFT
cd "$tmp/consumer"
swift build -c release 2>&1 | tail -1
"$(swift build -c release --show-bin-path)/consumer"
