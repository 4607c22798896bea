package dev.rankscope.application.report;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.application.render.ReportFixtures;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.rankscope.application.render.ReportFixtures.matrix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NotableMatricesTest {

    @Test
    void picksExtremesSpikesAndAlphaOutliersOnceEach() {
        MatrixAnalysis flat = matrix("model.layers.0.self_attn.q_proj.weight", 16, 16, ReportFixtures.powerLaw(16, 0.05));
        MatrixAnalysis steep = matrix("model.layers.0.self_attn.k_proj.weight", 16, 16, ReportFixtures.powerLaw(16, 2.0));
        MatrixAnalysis mid = matrix("model.layers.1.self_attn.q_proj.weight", 16, 16, ReportFixtures.powerLaw(16, 0.5));
        List<NotableMatrices.Notable> notable = NotableMatrices.select(List.of(mid, flat, steep));
        assertEquals(flat, notable.get(0).matrix());
        assertTrue(notable.get(0).reasons().get(0).startsWith("highest effective rank / p"));
        assertEquals(steep, notable.get(1).matrix());
        assertTrue(notable.get(1).reasons().get(0).startsWith("lowest effective rank / p"));
        // every α outlier listed is one by SPEC §2's thresholds, and no matrix appears twice
        for (NotableMatrices.Notable n : notable) {
            for (String r : n.reasons()) {
                if (r.startsWith("α = ")) {
                    double alpha = n.matrix().powerLaw().alpha();
                    assertTrue(alpha < 2 || alpha > 6, r);
                }
            }
        }
        assertEquals(notable.size(), notable.stream().map(NotableMatrices.Notable::matrix).distinct().count());
    }

    @Test
    void zeroMatricesAreNeverTheRankExtremes() {
        MatrixAnalysis zero = matrix("z", 4, 4, 0, 0, 0, 0);
        MatrixAnalysis one = matrix("a", 4, 4, 4, 3, 2, 1);
        List<NotableMatrices.Notable> notable = NotableMatrices.select(List.of(zero, one));
        assertTrue(notable.stream().noneMatch(n -> n.matrix() == zero));
        assertEquals(List.of(), NotableMatrices.select(List.of(zero)));
    }
}
