package dev.rankscope.engine.linalg;

import dev.rankscope.engine.bench.SyntheticMatrices;

/**
 * Manual timing (not a unit test): a p×p matrix with 3 planted tiny σ, old path (Gram rejected
 * → dgesdd) vs the {@link GramRefinement} path, 1 BLAS thread, one run each.
 *
 * <pre>
 * mvn -B -q -o -pl engine test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp engine/target/classes:engine/target/test-classes:$(cat /tmp/cp.txt) \
 *     dev.rankscope.engine.linalg.RefinementTiming 2048
 * </pre>
 */
final class RefinementTiming {
    private RefinementTiming() {
    }

    public static void main(String[] args) {
        int p = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
        NativeLibrary.setThreads(1);
        SvdBackend.Tolerance tol = SvdBackend.Tolerance.DEFAULT;
        double[] planted = GramRefinementTest.plantedTiny(p);
        Matrix a = SyntheticMatrices.withSpectrum(p, p, planted, 31);
        NativeBackend b = new NativeBackend(NativeBackend.GramPolicy.ALWAYS);
        long t0 = System.nanoTime();
        NativeBackend.GramOutcome plain = b.gramValues(a, tol);
        long t1 = System.nanoTime();
        double[] ref = b.gesddValues(a).sigma();
        long t2 = System.nanoTime();
        SvdResult refined = b.singularValues(a, tol);
        long t3 = System.nanoTime();
        double maxRel = 0;
        double maxAbs = 0;
        double[] s = refined.sigma();
        for (int i = 0; i < p; i++) {
            double d = Math.abs(s[i] - ref[i]);
            if (ref[i] >= tol.smallCut() * ref[0]) {
                maxRel = Math.max(maxRel, d / ref[i]);
            } else {
                maxAbs = Math.max(maxAbs, d / ref[0]);
            }
        }
        double[] lambdaRef;
        double[] lambdaSplit;
        long e0;
        long e1;
        long e2;
        try (org.bytedeco.javacpp.DoublePointer g1 = NativeBackend.offHeapCopy(a);
             org.bytedeco.javacpp.DoublePointer g2 = NativeBackend.offHeapCopy(a)) {
            // A symmetrised stand-in Gram is not needed for timing: dsyevd/dsytrd read the upper triangle only.
            e0 = System.nanoTime();
            lambdaRef = NativeBackend.dsyevdValues(g1, p);
            e1 = System.nanoTime();
            try (TridiagonalEigen eig = TridiagonalEigen.reduce(g2, p)) {
                lambdaSplit = eig.lambda.clone();
            }
            e2 = System.nanoTime();
        }
        int identical = 0;
        for (int i = 0; i < p; i++) {
            identical += Double.doubleToLongBits(lambdaRef[i]) == Double.doubleToLongBits(lambdaSplit[i]) ? 1 : 0;
        }
        System.out.printf("dsyevd('N') %.2f s  dsytrd+dsterf %.2f s  bit-identical eigenvalues %d of %d%n",
                (e1 - e0) / 1e9, (e2 - e1) / 1e9, identical, p);
        System.out.printf("p=%d plain Gram accepted=%b  gram %.2f s  dgesdd %.2f s  old path %.2f s%n", p,
                plain.bound().accepted(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t2 - t0) / 1e9);
        System.out.printf("refined path %.2f s method=%s  max rel dev (σ ≥ 1e-3σ₁) %.2e  max |Δσ|/σ₁ below %.2e%n",
                (t3 - t2) / 1e9, refined.method().id(), maxRel, maxAbs);
    }
}
