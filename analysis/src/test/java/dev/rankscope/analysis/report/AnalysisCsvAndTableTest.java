package dev.rankscope.analysis.report;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnalysisCsvAndTableTest {

    @Test
    void csvHeaderAndRows() throws Exception {
        CheckpointAnalysis a = ReportFixtures.checkpoint();
        assertEquals("name,layer,module,rows,cols,dtype,method,precision,approximate,effective_rank,"
                + "energy_effective_rank,stable_rank,numerical_rank,rank_at_energy_0.9,rank_at_energy_0.95,"
                + "rank_at_energy_0.99,spectral_entropy,alpha,alpha_weighted,xmin,ks_distance,sigma_alpha,num_pl_spikes,"
                + "log_alpha_norm,verdict,mp_method,mp_degenerate,mp_q,mp_s,mp_scale,mp_bulk_min_mean1,mp_bulk_max_mean1,"
                + "mp_bulk_min_lambda,mp_bulk_max_lambda,mp_tw,mp_num_spikes,mp_softrank,spectral_norm,frobenius_norm,"
                + "nuclear_norm,condition_number,log_norm,log_spectral_norm,warnings", String.join(",", AnalysisCsv.header()));
        List<String> lines = AnalysisCsv.lines(a.matrices());
        assertEquals(1 + a.matrices().size(), lines.size());
        String[] spec = lines.get(2).split(",", -1);
        assertEquals(AnalysisCsv.header().size(), spec.length);
        assertEquals("model.embed_tokens.weight", spec[0]);
        assertEquals("", spec[1], "no layer");
        assertEquals("embed", spec[2]);
        assertEquals("3", spec[3]);
        assertEquals("4", spec[4]);
        assertEquals(2.7495, Double.parseDouble(spec[9]), 5e-5);
        assertEquals("2", spec[13]);
        assertEquals("3", spec[14]);
        assertEquals("3.0", spec[37]);
        assertEquals("ww", spec[25]);
        String[] zero = lines.get(4).split(",", -1);
        assertEquals("", zero[40], "condition number ∞ is an empty cell");
        assertEquals("", zero[17], "no alpha");
        assertTrue(lines.get(4).endsWith(",\"all-zero matrix: ranks reported as 0, effective rank undefined\""), lines.get(4));

        StringWriter w = new StringWriter();
        AnalysisCsv.write(a, w);
        assertTrue(w.toString().startsWith("name,layer,"));
        assertEquals(6, w.toString().split("\r\n").length);
        assertEquals("\"a \"\"b\"\", c\"", AnalysisCsv.quote("a \"b\", c"));
    }

    @Test
    void tableHasAlignedRowsAndTotals() {
        CheckpointAnalysis a = ReportFixtures.checkpoint();
        List<String> lines = AnalysisTable.lines(a);
        // header, rule, 5 rows, rule, totals, 1 failure
        assertEquals(10, lines.size());
        assertTrue(lines.get(0).startsWith("name"));
        assertTrue(lines.get(0).contains("sigma1"));
        assertTrue(lines.get(1).matches("-+"));
        int width = lines.get(0).length();
        for (int i = 0; i < 7; i++) {
            assertEquals(width, lines.get(i).length(), "line " + i + ": " + lines.get(i));
        }
        String spec = lines.get(3);
        assertTrue(spec.startsWith("model.embed_tokens.weight"));
        String alpha = String.format(java.util.Locale.ROOT, "%.2f", a.matrices().get(1).powerLaw().alpha());
        assertTrue(spec.matches(".*\\s-\\s+embed\\s+3x4\\s+F32\\s+3\\.000\\s+2\\.7\\s+1\\.56\\s+3\\s+2\\s+3\\s+3\\s+"
                + alpha.replace(".", "\\.") + "\\s+" + a.matrices().get(1).mp().numSpikes() + "$"), spec);
        String zero = lines.get(5);
        assertTrue(zero.matches(".*\\s-\\s+-$"), zero);
        assertTrue(lines.get(8).startsWith("total: 5 matrices, " + String.format(java.util.Locale.ROOT, "%,d", 64 * 32 + 12 + 16 * 24 + 30 + 64 * 32) + " parameters"), lines.get(8));
        assertEquals("failed: model.layers.2.mlp.c_fc.weight: weights contain NaN", lines.get(9));
    }
}
