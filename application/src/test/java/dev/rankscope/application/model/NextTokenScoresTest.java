package dev.rankscope.application.model;

import dev.rankscope.runtime.FloatMatrix;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SPEC §8 perplexity, KL and top-1 on hand-made logits. */
class NextTokenScoresTest {

    @Test
    void logitsAllEqualGivePerplexityEqualToTheVocabulary() {
        int vocab = 37;
        int[] ids = {3, 1, 4, 1, 5, 9, 2, 6};
        NextTokenScores s = new NextTokenScores();
        FloatMatrix logits = new FloatMatrix(ids.length, vocab, filled(ids.length * vocab, 2.5f));
        s.add(logits, 0, ids);
        assertEquals(ids.length - 1, s.tokensScored(), "the first token of a window is context only");
        assertEquals(vocab, s.perplexity(), 1e-9);
        assertEquals(Math.log(vocab), s.meanNll(), 1e-12);
    }

    @Test
    void blocksAddUpAndPredictOnlyInsideTheWindow() {
        int vocab = 4;
        int[] ids = {0, 1, 2, 3};
        // row t puts all but e^-20 of its mass on ids[t+1]
        float[] d = new float[ids.length * vocab];
        for (int t = 0; t < ids.length; t++) {
            d[t * vocab + ids[(t + 1) % ids.length]] = 20f;
        }
        NextTokenScores whole = new NextTokenScores();
        whole.add(new FloatMatrix(4, vocab, d), 0, ids);
        NextTokenScores split = new NextTokenScores();
        split.add(new FloatMatrix(4, vocab, d).rows(0, 2), 0, ids);
        split.add(new FloatMatrix(4, vocab, d).rows(2, 4), 2, ids);
        assertEquals(3, whole.tokensScored());
        assertEquals(whole.meanNll(), split.meanNll(), 1e-15);
        double expected = Math.log(1 + 3 * Math.exp(-20));
        assertEquals(expected, whole.meanNll(), 1e-12);
    }

    @Test
    void klAndTopOneAgainstHandComputedValues() {
        // p = softmax(ln[0.5, 0.25, 0.25]), q = softmax(ln[0.25, 0.5, 0.25])
        float[] p = {(float) Math.log(0.5), (float) Math.log(0.25), (float) Math.log(0.25)};
        float[] q = {(float) Math.log(0.25), (float) Math.log(0.5), (float) Math.log(0.25)};
        float[] pp = new float[6];
        float[] qq = new float[6];
        System.arraycopy(p, 0, pp, 0, 3);
        System.arraycopy(q, 0, qq, 0, 3);
        System.arraycopy(p, 0, pp, 3, 3);
        System.arraycopy(p, 0, qq, 3, 3);
        NextTokenScores s = new NextTokenScores();
        s.compare(new FloatMatrix(2, 3, pp), new FloatMatrix(2, 3, qq), 0, 3);
        double kl = 0.5 * Math.log(0.5 / 0.25) + 0.25 * Math.log(0.25 / 0.5);
        assertEquals(kl / 2, s.meanKl(), 1e-7, "mean over both predicted positions (second one identical)");
        assertEquals(0.5, s.top1Agreement(), 0, "argmax differs at the first position only");
        NextTokenScores last = new NextTokenScores();
        last.compare(new FloatMatrix(2, 3, pp), new FloatMatrix(2, 3, qq), 1, 3);
        assertEquals(kl, last.meanKl(), 1e-7, "position 2 is the window's last: only position 1 (row 0) counts");
        assertEquals(0, last.top1Agreement(), 0);
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
