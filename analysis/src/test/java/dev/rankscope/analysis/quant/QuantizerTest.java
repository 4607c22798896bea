package dev.rankscope.analysis.quant;

import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC §9 check values and the goldens of {@code tools/quant_goldens.py} (numpy, an independent
 * implementation): codes, float32 scales, zero points and Ŵ must agree exactly.
 */
class QuantizerTest {
    private static TensorSource goldens;
    private static Matrix w;

    @BeforeAll
    static void open() throws Exception {
        Path p = Path.of(QuantizerTest.class.getResource("/quant/quant_goldens.safetensors").toURI());
        goldens = Checkpoints.open(p);
        TensorInfo t = goldens.require("w");
        w = new Matrix((int) t.dim(0), (int) t.dim(1), goldens.readDouble("w"));
    }

    @AfterAll
    static void close() {
        goldens.close();
    }

    @Test
    void specCheckInt4SymmetricGroupOfFour() {
        Matrix x = new Matrix(1, 4, new double[] {-1, -0.5, 0.25, 1});
        QuantizedMatrix q = Quantizer.quantize(x, QuantScheme.rtn(4, true, 0));
        assertEquals((float) (1.0 / 7), q.scales()[0]);
        assertArrayEquals(new int[] {-7, -4, 2, 7}, q.codes(), "−3.5 → −4 and 1.75 → 2 (half to even)");
        assertEquals((float) (-4 * (double) (float) (1.0 / 7)), (float) q.dequantized().get(0, 1));
    }

    @Test
    void asymmetricFormulaOnAHandCase() {
        // min −1, max 2, int4 asym: scale = 3/15 = 0.2, zero = round(5) = 5; w = 0.3 → round(1.5) + 5 = 7,
        // w = 0.5 → round(2.5) + 5 = 7 (half to even, not 8)
        Matrix x = new Matrix(1, 4, new double[] {-1, 0.3, 0.5, 2});
        QuantizedMatrix q = Quantizer.quantize(x, QuantScheme.rtn(4, false, 0));
        assertEquals(0.2f, q.scales()[0]);
        assertEquals(5, q.zeros()[0]);
        assertArrayEquals(new int[] {0, 7, 7, 15}, q.codes());
    }

    @Test
    void nf4CodebookIsQloraAndNearestCode() {
        double[] c = Nf4Codebook.codes();
        double[] spec4 = {-1, -0.6962, -0.5251, -0.3949, -0.2844, -0.1848, -0.0911, 0, 0.0796, 0.1609, 0.2461,
                          0.3379, 0.4407, 0.5626, 0.7230, 1};
        assertEquals(16, c.length);
        for (int i = 0; i < 16; i++) {
            assertEquals(spec4[i], c[i], 5.1e-5, "code " + i + " against SPEC §9's 4 decimals");
            assertEquals(c[i], (float) c[i], 0.0, "code " + i + " is a float32 value");
        }
        assertEquals(7, Nf4Codebook.nearest(0.0));
        assertEquals(15, Nf4Codebook.nearest(0.9));
        assertEquals(0, Nf4Codebook.nearest(-0.86));
        assertEquals(1, Nf4Codebook.nearest(-0.84));
        assertEquals(7, Nf4Codebook.nearest(0.5 * c[8]), "an exact tie goes to the lower code");
    }

    @Test
    void schemeNamesRoundTripAndUnknownOnesAreNamed() {
        for (String s : new String[] {"int8", "int4", "int4-g128", "int4-g32-asym", "int8-asym", "nf4"}) {
            assertEquals(s, QuantScheme.parse(s).name());
        }
        QuantScheme g128 = QuantScheme.parse("int4-g128");
        assertTrue(g128.symmetric());
        assertEquals(128, g128.groupSize());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuantScheme.parse("q3_k"));
        assertTrue(e.getMessage().contains("'q3_k'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QuantScheme.parse("int4-g100"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"int8", "int4", "int4-g32", "int4-g64", "int4-g128", "int8-asym", "int4-g32-asym",
        "int4-g64-asym", "nf4"})
    void matchesNumpyGoldens(String scheme) {
        QuantizedMatrix q = Quantizer.quantize(w, QuantScheme.parse(scheme));
        double[] codes = goldens.readDouble(scheme + ".codes");
        for (int i = 0; i < codes.length; i++) {
            assertEquals((int) codes[i], q.codes()[i], scheme + " code " + i);
        }
        double[] scales = goldens.readDouble(scheme + ".scales");
        assertEquals(scales.length, q.scales().length, scheme + " scale count");
        TensorInfo st = goldens.require(scheme + ".scales");
        assertEquals(st.dim(0), q.scaleRows());
        assertEquals(st.dim(1), q.scaleCols());
        for (int i = 0; i < scales.length; i++) {
            assertEquals(scales[i], q.scales()[i], 0.0, scheme + " scale " + i);
        }
        if (goldens.find(scheme + ".zeros").isPresent()) {
            double[] zeros = goldens.readDouble(scheme + ".zeros");
            for (int i = 0; i < zeros.length; i++) {
                assertEquals((int) zeros[i], q.zeros()[i], scheme + " zero " + i);
            }
        }
        assertArrayEquals(goldens.readDouble(scheme + ".deq"), q.dequantized().data(), 0.0, scheme + " Ŵ");
    }

    @Test
    void eoraMatchesNumpyOnAHandCase() {
        TensorInfo et = goldens.require("eora.e");
        Matrix e = new Matrix((int) et.dim(0), (int) et.dim(1), goldens.readDouble("eora.e"));
        int n = e.cols();
        Matrix gram = new Matrix(n, n, goldens.readDouble("eora.gram"));
        SvdBackend backend = Backends.select(Backends.Preference.AUTO);
        EoraProjection proj = EoraProjection.of(gram, 1e-6, backend);
        Matrix ep = proj.project(e);
        var svd = backend.svd(ep);
        assertArrayEquals(goldens.readDouble("eora.sigma"), svd.sigma(), 1e-9 * svd.sigma(0), "σ(E')");
        LowRankCompensation c = LowRankCompensation.fromEora(svd, 2, proj);
        double[] expected = goldens.readDouble("eora.comp_k2");
        double scale = Math.sqrt(Products.energy(e));
        assertArrayEquals(expected, c.product().data(), 1e-8 * scale, "E'_2·Λ^{-1/2}·Qᵀ");
        double resid = proj.activationEnergy(Products.subtract(e, c.product()));
        double predicted = goldens.readDouble("eora.residual_k2")[0];
        assertEquals(predicted, resid, 1e-8 * predicted, "activation residual = Σ_{i>2} σ_i(E')²");
        double tail = 0;
        for (int i = 2; i < svd.size(); i++) {
            tail += svd.sigma(i) * svd.sigma(i);
        }
        assertEquals(predicted, tail, 1e-8 * predicted);
    }

    @Test
    void eoraOnADiagonalHandCase() {
        // G = diag(4, 1): Q = I (up to order), Λ^{1/2} = diag(2, 1). E = [[1, 1]]: E' = [2, 1] (in
        // eigen order), σ(E') = √5; rank 1 compensation is exact (E has rank 1).
        SvdBackend backend = Backends.select(Backends.Preference.AUTO);
        EoraProjection proj = EoraProjection.of(new Matrix(2, 2, new double[] {4, 0, 0, 1}), 0, backend);
        Matrix e = new Matrix(1, 2, new double[] {1, 1});
        assertEquals(5.0, proj.activationEnergy(e), 1e-12);
        var svd = backend.svd(proj.project(e));
        assertEquals(Math.sqrt(5), svd.sigma(0), 1e-12);
        assertArrayEquals(e.data(), LowRankCompensation.fromEora(svd, 1, proj).product().data(), 1e-12);
        // E = [[1, 0], [0, 1]]: E' = diag(2, 1), σ = [2, 1]; rank 1 keeps the direction the data uses most
        Matrix id = new Matrix(2, 2, new double[] {1, 0, 0, 1});
        var s2 = backend.svd(proj.project(id));
        assertArrayEquals(new double[] {2, 1}, s2.sigma(), 1e-12);
        Matrix c = LowRankCompensation.fromEora(s2, 1, proj).product();
        assertArrayEquals(new double[] {1, 0, 0, 0}, c.data(), 1e-12);
        assertEquals(1.0, proj.activationEnergy(Products.subtract(id, c)), 1e-12, "residual Σ_{i>1} σ_i² = 1");
    }
}
