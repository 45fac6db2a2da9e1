import Testing
@testable import PoseTensor

@Suite struct GEMMTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func sgemmMatchesNaive(transA: Bool, transB: Bool) {
        let m = 13, n = 7, k = 19
        let a = randomTensor(transA ? [k, m] : [m, k], seed: 1)
        let b = randomTensor(transB ? [n, k] : [k, n], seed: 2)
        let c1 = randomTensor([m, n], seed: 3), c2 = c1.clone()
        let lda = transA ? m : k, ldb = transB ? k : n
        BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: a.data, lda: lda,
                   b: b.data, ldb: ldb, beta: 2, c: c1.data, ldc: n)
        BLAS.naiveSgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: a.data, lda: lda,
                        b: b.data, ldb: ldb, beta: 2, c: c2.data, ldc: n)
        #expect(maxRelativeError(c1, c2) < 1e-5)
    }
}
