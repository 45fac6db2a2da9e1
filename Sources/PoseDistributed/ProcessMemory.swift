import Foundation

/// Peak resident memory of this process in bytes (VmHWM), or 0 when unknown.
public func peakResidentBytes() -> Int {
    statusKilobytes("VmHWM:", in: (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? "") * 1024
}

/// Current resident memory of this process in bytes (VmRSS), or 0 when unknown.
public func currentResidentBytes() -> Int {
    statusKilobytes("VmRSS:", in: (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? "") * 1024
}

/// A `/proc/self/status` field in kB. The kernel pads the number after the tab to 8 columns,
/// so from 10^7 kB (9.5 GiB) on there is no space before it: split on tabs and spaces alike.
public func statusKilobytes(_ field: String, in status: String) -> Int {
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }) else { return 0 }
    return line.dropFirst(field.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Int($0) }.first ?? 0
}
