package dev.rankscope.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every architecture against the independent PyTorch reference ({@code tools/torch_reference.py}):
 * token ids through tokenizer.json, logits within 1e-3 absolute (the SPEC §8 1-layer Llama within
 * 1e-5), last hidden states within 1e-4 relative, pooled embeddings, the linear-input observer and
 * a low-rank weight override.
 */
class GoldenForwardTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"llama-spec, 1e-5", "llama-gqa-llama3, 1e-3", "qwen2-tied, 1e-3", "mistral-window, 1e-3", "gpt2, 1e-3"})
    void causalModelsMatchPyTorch(String name, double logitTol) {
        try (Golden g = new Golden(name); ModelFolder folder = ModelFolder.open(g.folder)) {
            ModelRuntime rt = ModelRuntime.of(folder);
            List<int[]> seqs = new ArrayList<>();
            for (int i = 0; i < g.texts.size(); i++) {
                int[] ids = folder.tokenizer().encode(g.texts.get(i), true);
                assertArrayEquals(g.ids(i), ids, "token ids of text " + i);
                seqs.add(ids);
            }
            Map<Integer, float[]> logits = new HashMap<>();
            ForwardResult r = rt.forward(seqs, ForwardOptions.defaults().withLastHidden(true).withLogits((s, first, block) -> {
                float[] all = logits.computeIfAbsent(s, k -> new float[seqs.get(s).length * block.cols()]);
                System.arraycopy(block.data(), 0, all, first * block.cols(), block.rows() * block.cols());
            }));
            assertEquals(seqs.stream().mapToInt(a -> a.length).sum(), r.tokens());
            assertEquals(null, r.pooled());
            for (int i = 0; i < seqs.size(); i++) {
                FloatMatrix want = g.matrix("logits." + i);
                Golden.assertClose(want, new FloatMatrix(want.rows(), want.cols(), logits.get(i)), logitTol, name + " logits " + i);
                Golden.assertRelClose(g.matrix("last_hidden_state." + i), r.lastHidden().get(i), 1e-4, name + " hidden " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"llama-spec", "llama-gqa-llama3", "qwen2-tied", "mistral-window", "gpt2"})
    void observerSeesTheModuleInputAndLowRankOverrideMatchesPyTorch(String name) {
        try (Golden g = new Golden(name); ModelFolder folder = ModelFolder.open(g.folder)) {
            ModelRuntime rt = ModelRuntime.of(folder);
            String observed = g.meta("observed_module");
            String replaced = g.meta("lowrank_module");
            FloatMatrix[] seen = new FloatMatrix[1];
            LinearInputObserver obs = (modules, input) -> {
                if (modules.stream().anyMatch(m -> m.name().equals(observed))) {
                    seen[0] = input.rows(0, input.rows());
                }
            };
            rt.logits(g.ids(0), ForwardOptions.defaults().withObserver(obs));
            assertNotNull(seen[0], "observer never saw " + observed);
            Golden.assertRelClose(g.matrix("observed." + observed), seen[0], 1e-4, name + " input of " + observed);

            FloatMatrix u = g.matrix("lowrank.U");
            FloatMatrix v = g.matrix("lowrank.V");
            LinearModule m = rt.linearModule(replaced).orElseThrow();
            LinearReplacement rep = new LinearReplacement.LowRank(m.storedRows(), m.storedCols(), u.cols(), u.data(), v.data());
            FloatMatrix got = rt.logits(g.ids(0), ForwardOptions.defaults().withWeights(WeightOverride.of(Map.of(replaced, rep))));
            Golden.assertClose(g.matrix("lowrank_logits.0"), got, 1e-3, name + " logits with low-rank " + replaced);
            double moved = Golden.maxAbsDiff(g.matrix("logits.0"), got);
            assertTrue(moved > 1e-2, "the low-rank override must change the logits (moved " + moved + ")");
        }
    }

    @Test
    void bertMatchesPyTorchWithMeanPoolingAndNormalize() {
        try (Golden g = new Golden("bert"); ModelFolder folder = ModelFolder.open(g.folder)) {
            assertEquals(new Pooling(Pooling.Mode.MEAN, true), folder.pooling().orElseThrow());
            ModelRuntime rt = ModelRuntime.of(folder);
            List<int[]> seqs = new ArrayList<>();
            for (int i = 0; i < g.texts.size(); i++) {
                int[] ids = folder.tokenizer().encode(g.texts.get(i), true);
                assertArrayEquals(g.ids(i), ids, "token ids of text " + i);
                seqs.add(ids);
            }
            String observed = g.meta("observed_module");
            FloatMatrix[] seen = new FloatMatrix[1];
            ForwardResult r = rt.forward(seqs, ForwardOptions.defaults().withLastHidden(true).withObserver((modules, input) -> {
                if (modules.get(0).name().equals(observed)) {
                    seen[0] = input.rows(0, seqs.get(0).length);
                }
            }));
            for (int i = 0; i < seqs.size(); i++) {
                Golden.assertRelClose(g.matrix("last_hidden_state." + i), r.lastHidden().get(i), 1e-4, "bert hidden " + i);
            }
            Golden.assertClose(g.matrix("pooled"), r.pooled(), 1e-5, "bert pooled");
            Golden.assertRelClose(g.matrix("observed." + observed), seen[0], 1e-4, "input of " + observed);

            String replaced = g.meta("lowrank_module");
            FloatMatrix u = g.matrix("lowrank.U");
            FloatMatrix v = g.matrix("lowrank.V");
            LinearModule m = rt.linearModule(replaced).orElseThrow();
            LinearReplacement rep = new LinearReplacement.LowRank(m.storedRows(), m.storedCols(), u.cols(), u.data(), v.data());
            ForwardResult lr = rt.forward(seqs, ForwardOptions.defaults().withWeights(WeightOverride.of(Map.of(replaced, rep))));
            Golden.assertClose(g.matrix("lowrank_pooled"), lr.pooled(), 1e-5, "bert pooled with low-rank " + replaced);
        }
    }
}
