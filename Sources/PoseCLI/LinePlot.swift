import Foundation
import PoseData

/// Curves drawn into an image: one panel per quantity, each with its own axes, ticks, grid and
/// legend, one colour per series (matplotlib's tab10 cycle).
public struct LinePlot {
    /// One curve: a legend label and its points, drawn in the next palette colour.
    public struct Series {
        /// The legend entry.
        public var label: String
        /// The points in data coordinates, joined in order; non-finite ones are skipped, and fewer
        /// than 30 are also drawn as dots.
        public var points: [(x: Double, y: Double)]
        /// Creates a series.
        public init(label: String, points: [(x: Double, y: Double)]) { self.label = label; self.points = points }
    }

    /// One quantity's axes: a title, an x-axis label and its curves, sharing ranges fitted to
    /// all their finite points.
    public struct Panel {
        /// The title centred above the plot.
        public var title: String
        /// The label centred below the x axis (`epoch`, `iteration`).
        public var xLabel: String
        /// The curves, coloured in order by matplotlib's tab10 cycle; the legend goes in the corner
        /// hiding the fewest points.
        public var series: [Series]
        /// Creates a panel.
        public init(title: String, xLabel: String, series: [Series]) { self.title = title; self.xLabel = xLabel; self.series = series }
    }

    /// The panels, stacked top to bottom.
    public var panels: [Panel]
    /// The image width in pixels; 900 by default.
    public var width = 900
    /// The height of each panel in pixels; 320 by default, so the image is `panels.count × 320` tall.
    public var panelHeight = 320

    /// Creates a plot of `panels` at the default size.
    public init(panels: [Panel]) { self.panels = panels }

    static let palette: [(Double, Double, Double)] = [
        (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
        (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
    ]

    /// The plot as an RGB image `width × (panels · panelHeight)`.
    public func render() -> RGBImage {
        var canvas = Canvas(width: width, height: panelHeight * max(panels.count, 1))
        canvas.fillRect(0, 0, Double(canvas.image.width), Double(canvas.image.height), (255, 255, 255))
        for (p, panel) in panels.enumerated() { draw(panel, top: p * panelHeight, on: &canvas) }
        return canvas.image
    }

    private func draw(_ panel: Panel, top: Int, on canvas: inout Canvas) {
        let left = 72, right = width - 24, plotTop = top + 30, plotBottom = top + panelHeight - 46
        let all = panel.series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let title = panel.title
        canvas.drawText(title, x: (left + right - Canvas.textWidth(title)) / 2, y: top + 8, color: (0, 0, 0))
        guard !all.isEmpty else {
            canvas.drawText("no values", x: left + 10, y: plotTop + 10, color: (120, 120, 120))
            return
        }
        var (x0, x1) = (all.map(\.x).min()!, all.map(\.x).max()!)
        var (y0, y1) = (all.map(\.y).min()!, all.map(\.y).max()!)
        if x1 == x0 { x0 -= 1; x1 += 1 }
        let xPad = (x1 - x0) * 0.02
        x0 -= xPad; x1 += xPad
        if y1 == y0 { let d = max(abs(y0) * 0.1, 1e-3); y0 -= d; y1 += d }
        let pad = (y1 - y0) * 0.05
        y0 -= pad; y1 += pad
        func px(_ x: Double) -> Double { Double(left) + (x - x0) / (x1 - x0) * Double(right - left) }
        func py(_ y: Double) -> Double { Double(plotBottom) - (y - y0) / (y1 - y0) * Double(plotBottom - plotTop) }

        let grid = (225.0, 225.0, 225.0), ink = (40.0, 40.0, 40.0)
        let yTicks = LinePlot.ticks(y0, y1), xTicks = LinePlot.ticks(x0, x1)
        for t in yTicks {
            canvas.fillRect(Double(left), py(t), Double(right), py(t) + 1, grid)
            let text = LinePlot.label(t, step: yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1)
            canvas.drawText(text, x: left - 6 - Canvas.textWidth(text), y: Int(py(t)) - Canvas.lineHeight / 2, color: ink)
        }
        for t in xTicks {
            canvas.fillRect(px(t), Double(plotTop), px(t) + 1, Double(plotBottom), grid)
            let text = LinePlot.label(t, step: xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1)
            canvas.drawText(text, x: Int(px(t)) - Canvas.textWidth(text) / 2, y: plotBottom + 5, color: ink)
        }
        canvas.fillRect(Double(left), Double(plotTop), Double(left + 1), Double(plotBottom + 1), ink)
        canvas.fillRect(Double(left), Double(plotBottom), Double(right), Double(plotBottom + 1), ink)
        canvas.drawText(panel.xLabel, x: (left + right - Canvas.textWidth(panel.xLabel)) / 2, y: plotBottom + 22, color: ink)

        for (s, series) in panel.series.enumerated() {
            let color = LinePlot.palette[s % LinePlot.palette.count]
            let points = series.points.filter { $0.x.isFinite && $0.y.isFinite }
            if points.count == 1 || points.count < 30 {
                for p in points { canvas.fillCircle(px(p.x), py(p.y), 2.5, color) }
            }
            for (a, b) in zip(points, points.dropFirst()) { canvas.capsule(px(a.x), py(a.y), px(b.x), py(b.y), 0.9, color) }
        }
        // legend inside the plot, in the corner its box hides the fewest points of
        let legendWidth = (panel.series.map { Canvas.textWidth($0.label) }.max() ?? 0) + 34
        let legendHeight = panel.series.count * (Canvas.lineHeight + 2) + 6
        let corners = [(right - legendWidth - 6, plotTop + 6), (left + 8, plotTop + 6),
                       (right - legendWidth - 6, plotBottom - legendHeight - 4), (left + 8, plotBottom - legendHeight - 4)]
        let (x, top) = corners.min { a, b in
            func hidden(_ c: (Int, Int)) -> Int {
                all.filter { Double(c.0) - 4 <= px($0.x) && px($0.x) <= Double(c.0 + legendWidth) + 4
                    && Double(c.1) - 4 <= py($0.y) && py($0.y) <= Double(c.1 + legendHeight) + 4 }.count
            }
            return hidden(a) < hidden(b)
        }!
        var y = top + 3
        canvas.fillRect(Double(x), Double(top), Double(x + legendWidth), Double(top + legendHeight), (255, 255, 255), alpha: 0.85)
        for (s, series) in panel.series.enumerated() {
            let color = LinePlot.palette[s % LinePlot.palette.count]
            canvas.fillRect(Double(x + 6), Double(y + Canvas.lineHeight / 2 - 1), Double(x + 24), Double(y + Canvas.lineHeight / 2 + 1), color)
            canvas.drawText(series.label, x: x + 28, y: y, color: ink)
            y += Canvas.lineHeight + 2
        }
    }

    /// About five round tick values (1, 2 or 5 × 10^k apart) within [lo, hi].
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        let raw = (hi - lo) / Double(count)
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var t = (lo / step).rounded(.up) * step, out: [Double] = []
        while t <= hi + step * 1e-9 && out.count < 50 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    /// A tick label with as many decimals as the tick step needs.
    static func label(_ value: Double, step: Double) -> String {
        if abs(value) >= 1e5 || (abs(value) < 1e-3 && value != 0) { return String(format: "%.2g", value) }
        let decimals = max(0, min(6, Int((-log10(step)).rounded(.up))))
        return String(format: "%.\(decimals)f", value)
    }
}
