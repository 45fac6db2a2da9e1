/// The Munkres (Hungarian) assignment as the `munkres` package (1.1.4) computes it, which
/// MMPose's associative-embedding grouping calls: the same steps, the same scan orders and
/// float32 arithmetic, so that among equally cheap assignments the same one is chosen.
public enum Munkres {
    /// The minimum-cost assignment of `cost`'s rows to its columns (a rectangular matrix is
    /// padded with zeros to a square one): the (row, column) pairs within the original matrix,
    /// by row.
    /// - Parameter cost: `rows × columns` costs, every row the same length.
    public static func assign(_ cost: [[Float]]) -> [(row: Int, column: Int)] {
        let rows = cost.count, columns = cost.first?.count ?? 0
        guard rows > 0, columns > 0 else { return [] }
        var solver = Solver(cost)
        solver.run()
        var pairs: [(row: Int, column: Int)] = []
        for i in 0..<rows { for j in 0..<columns where solver.marked[i * solver.n + j] == 1 { pairs.append((i, j)) } }
        return pairs
    }

    private struct Solver {
        let n: Int
        var c: [Float]
        var marked: [UInt8]
        var rowCovered: [Bool], columnCovered: [Bool]
        var z0 = (row: 0, column: 0)

        init(_ cost: [[Float]]) {
            n = max(cost.count, cost[0].count)
            c = [Float](repeating: 0, count: n * n)
            for (i, row) in cost.enumerated() { for (j, v) in row.enumerated() { c[i * n + j] = v } }
            marked = [UInt8](repeating: 0, count: n * n)
            rowCovered = [Bool](repeating: false, count: n)
            columnCovered = rowCovered
        }

        mutating func run() {
            var step = 1
            while true {
                switch step {
                case 1: step = step1()
                case 2: step = step2()
                case 3: step = step3()
                case 4: step = step4()
                case 5: step = step5()
                case 6: step = step6()
                default: return
                }
            }
        }

        mutating func clearCovers() {
            for i in 0..<n { rowCovered[i] = false; columnCovered[i] = false }
        }

        /// Subtract each row's minimum.
        mutating func step1() -> Int {
            for i in 0..<n {
                let minimum = c[(i * n)..<(i * n + n)].min()!
                for j in 0..<n { c[i * n + j] -= minimum }
            }
            return 2
        }

        /// Star the first uncovered zero of each row.
        mutating func step2() -> Int {
            for i in 0..<n {
                for j in 0..<n where c[i * n + j] == 0 && !columnCovered[j] && !rowCovered[i] {
                    marked[i * n + j] = 1
                    columnCovered[j] = true
                    rowCovered[i] = true
                    break
                }
            }
            clearCovers()
            return 3
        }

        /// Cover the starred columns; done when all are.
        mutating func step3() -> Int {
            var count = 0
            for i in 0..<n { for j in 0..<n where marked[i * n + j] == 1 && !columnCovered[j] {
                columnCovered[j] = true
                count += 1
            } }
            return count >= n ? 7 : 4
        }

        /// munkres' `__find_a_zero`: the scan wraps from (i0, j0) and keeps the last uncovered
        /// zero of the first row that has one.
        func findZero(_ i0: Int, _ j0: Int) -> (row: Int, column: Int) {
            var (row, column) = (-1, -1)
            var i = i0
            while true {
                var j = j0
                var found = false
                while true {
                    if c[i * n + j] == 0 && !rowCovered[i] && !columnCovered[j] { (row, column) = (i, j); found = true }
                    j = (j + 1) % n
                    if j == j0 { break }
                }
                if found { return (row, column) }
                i = (i + 1) % n
                if i == i0 { return (row, column) }
            }
        }

        func find(_ mark: UInt8, inRow row: Int) -> Int {
            (0..<n).first { marked[row * n + $0] == mark } ?? -1
        }

        func findStar(inColumn column: Int) -> Int {
            (0..<n).first { marked[$0 * n + column] == 1 } ?? -1
        }

        /// Prime uncovered zeros until one has no star in its row.
        mutating func step4() -> Int {
            var (row, column) = (0, 0)
            while true {
                (row, column) = findZero(row, column)
                if row < 0 { return 6 }
                marked[row * n + column] = 2
                let star = find(1, inRow: row)
                if star >= 0 {
                    column = star
                    rowCovered[row] = true
                    columnCovered[column] = false
                } else {
                    z0 = (row, column)
                    return 5
                }
            }
        }

        /// Alternate primes and stars along a path from the last prime.
        mutating func step5() -> Int {
            var path = [(row: Int, column: Int)]()
            path.append(z0)
            while true {
                let row = findStar(inColumn: path[path.count - 1].column)
                guard row >= 0 else { break }
                path.append((row, path[path.count - 1].column))
                let column = find(2, inRow: row)
                path.append((row, column))
            }
            for p in path { marked[p.row * n + p.column] = marked[p.row * n + p.column] == 1 ? 0 : 1 }
            clearCovers()
            for i in 0..<(n * n) where marked[i] == 2 { marked[i] = 0 }
            return 3
        }

        /// Add the smallest uncovered value to covered rows and subtract it from uncovered columns.
        mutating func step6() -> Int {
            var minimum = Float.greatestFiniteMagnitude
            for i in 0..<n where !rowCovered[i] { for j in 0..<n where !columnCovered[j] && c[i * n + j] < minimum {
                minimum = c[i * n + j]
            } }
            for i in 0..<n { for j in 0..<n {
                if rowCovered[i] { c[i * n + j] += minimum }
                if !columnCovered[j] { c[i * n + j] -= minimum }
            } }
            return 4
        }
    }
}
