package dev.rankscope.runtime;

import dev.rankscope.engine.task.AbstractTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input (one sentence naming the file, module or layer), cancel and progress, module names,
 * overrides, pooling override, untruncated tokenisation, and the SPEC §8 check that a model whose
 * logits are all equal has perplexity = vocabulary size.
 */
class RuntimeBehaviourTest {

    @TempDir
    Path tmp;

    private Path copyOf(String golden) throws IOException {
        Path src;
        try (Golden g = new Golden(golden)) {
            src = g.folder;
        }
        Path dst = tmp.resolve(golden);
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return dst;
    }

    @Test
    void unsupportedModelTypeIsOneLineNamingItAndTheSupportedList() throws IOException {
        Path dir = copyOf("llama-spec");
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"t5\", \"d_model\": 8}");
        ModelRuntimeException e = assertThrows(ModelRuntimeException.class, () -> ModelFolder.open(dir));
        assertEquals("Unsupported model_type 't5' in " + dir.resolve("config.json")
                + "; supported: llama, mistral, qwen2, gpt2, bert (BERT, MiniLM, bge, e5).", e.userMessage());
    }

    @Test
    void missingFilesAreNamedWithWhereItLooked() throws IOException {
        Path dir = copyOf("llama-spec");
        Files.delete(dir.resolve("tokenizer.json"));
        assertEquals("No tokenizer.json in " + dir + ".",
                assertThrows(ModelRuntimeException.class, () -> ModelFolder.open(dir)).userMessage());
        try (ModelFolder f = ModelFolder.openWithoutTokenizer(dir)) {
            assertEquals("No tokenizer.json in " + dir + ".",
                    assertThrows(ModelRuntimeException.class, f::tokenizer).userMessage());
        }
        Files.delete(dir.resolve("model.safetensors"));
        Files.delete(dir.resolve("golden.safetensors")); // else the folder's one safetensors file is taken
        String weights = assertThrows(ModelRuntimeException.class, () -> ModelFolder.openWithoutTokenizer(dir)).userMessage();
        assertTrue(weights.startsWith("No weights in " + dir + " (looked for model.safetensors.index.json, model.safetensors"), weights);
        Files.delete(dir.resolve("config.json"));
        String config = assertThrows(ModelRuntimeException.class, () -> ModelFolder.open(dir)).userMessage();
        assertTrue(config.startsWith("No config.json in " + dir), config);
        assertTrue(assertThrows(ModelRuntimeException.class, () -> ModelFolder.open(tmp.resolve("nowhere")))
                .userMessage().contains("nowhere"));
    }

    @Test
    void aTokenizerJsonTheLibraryRejectsIsNamed() throws IOException {
        Path dir = copyOf("llama-spec");
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"NoSuchModel\"}}");
        try (ModelFolder f = ModelFolder.open(dir)) {
            String m = assertThrows(ModelRuntimeException.class, f::tokenizer).userMessage();
            assertTrue(m.startsWith(dir.resolve("tokenizer.json") + " cannot be loaded by the tokenizers library ("), m);
            assertEquals(1, m.lines().count(), m);
        }
    }

    @Test
    void unsupportedRopeScalingAndMissingKeysAreNamed() throws IOException {
        Path dir = copyOf("llama-spec");
        Path cfg = dir.resolve("config.json");
        String original = Files.readString(cfg);
        Files.writeString(cfg, original.replace("\"rope_theta\"", "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4}, \"rope_theta\""));
        assertTrue(assertThrows(ModelRuntimeException.class, () -> ModelFolder.open(dir)).userMessage()
                .startsWith("Unsupported rope_scaling type 'yarn'"));
        Files.writeString(cfg, original.replace("\"hidden_size\"", "\"hidden_sizes\""));
        assertEquals(cfg + " has no hidden_size.",
                assertThrows(ModelRuntimeException.class, () -> ModelFolder.open(dir)).userMessage());
    }

    @Test
    void nanActivationsFailNamingTheLayer() throws IOException {
        try (ModelFolder f = ModelFolder.open(copyOf("llama-gqa-llama3"))) {
            ModelRuntime rt = ModelRuntime.of(f);
            LinearModule down = rt.linearModule("model.layers.1.mlp.down_proj").orElseThrow();
            float[] w = new float[down.storedRows() * down.storedCols()];
            w[5] = Float.NaN;
            WeightOverride nan = WeightOverride.of(Map.of(down.name(),
                    new LinearReplacement.Dense(down.storedRows(), down.storedCols(), w)));
            ModelRuntimeException e = assertThrows(ModelRuntimeException.class,
                    () -> rt.logits(new int[] {1, 5, 6, 7}, ForwardOptions.defaults().withWeights(nan)));
            assertTrue(e.userMessage().startsWith("Activations became NaN or infinite in layer 1 of llama-gqa-llama3"),
                    e.userMessage());
        }
    }

    @Test
    void badIdsLongSequencesAndMisShapedReplacementsAreRefused() throws IOException {
        try (ModelFolder f = ModelFolder.open(copyOf("gpt2"))) {
            ModelRuntime rt = ModelRuntime.of(f);
            int vocab = f.config().vocabSize();
            assertEquals("Token id " + vocab + " (sequence 0, position 1) is outside the model's vocabulary of " + vocab + ".",
                    assertThrows(ModelRuntimeException.class,
                            () -> rt.logits(new int[] {3, vocab}, ForwardOptions.defaults())).userMessage());
            assertEquals("A sequence of 65 tokens is longer than the 64 positions gpt2 has learned.",
                    assertThrows(ModelRuntimeException.class,
                            () -> rt.logits(new int[65], ForwardOptions.defaults())).userMessage());
            LinearModule cAttn = rt.linearModule("h.0.attn.c_attn").orElseThrow();
            assertTrue(cAttn.storedInOut());
            WeightOverride wrong = WeightOverride.of(Map.of(cAttn.name(), new LinearReplacement.Dense(96, 32, new float[96 * 32])));
            assertEquals("Replacement for h.0.attn.c_attn is 96×32, but the module's weight is 32×96.",
                    assertThrows(ModelRuntimeException.class,
                            () -> rt.logits(new int[] {1, 2}, ForwardOptions.defaults().withWeights(wrong))).userMessage());
        }
    }

    @Test
    void cancelStopsBetweenLayersAndProgressReachesOne() throws IOException {
        try (ModelFolder f = ModelFolder.open(copyOf("llama-gqa-llama3"))) {
            ModelRuntime rt = ModelRuntime.of(f);
            List<Double> fractions = new ArrayList<>();
            int[] checks = {0};
            ForwardMonitor cancelAtThird = ForwardMonitor.of((p, m) -> fractions.add(p), () -> {
                if (++checks[0] == 3) {
                    throw new AbstractTask.CancelledException();
                }
            });
            assertThrows(AbstractTask.CancelledException.class,
                    () -> rt.logits(new int[] {1, 2, 3}, ForwardOptions.defaults().withMonitor(cancelAtThird)));
            assertEquals(2, fractions.size(), "embeddings and layer 1 reported before the cancel");
            fractions.clear();
            rt.logits(new int[] {1, 2, 3}, ForwardOptions.defaults().withMonitor(ForwardMonitor.of((p, m) -> fractions.add(p), () -> { })));
            for (int i = 1; i < fractions.size(); i++) {
                assertTrue(fractions.get(i) > fractions.get(i - 1));
            }
            assertEquals(1.0, fractions.get(fractions.size() - 1));
        }
    }

    @Test
    void modulesCarryPlanNamesGroupsAndDenseOverrideOfTheSameWeightChangesNothing() throws IOException {
        try (ModelFolder f = ModelFolder.open(copyOf("llama-gqa-llama3"))) {
            ModelRuntime rt = ModelRuntime.of(f);
            List<LinearModule> mods = rt.linearModules();
            assertEquals(2 * 7 + 1, mods.size());
            assertEquals("model.layers.0.self_attn.q_proj", mods.get(0).name());
            assertEquals(mods.get(0).inputGroup(), mods.get(2).inputGroup(), "q and v share the input");
            assertEquals("lm_head", mods.get(mods.size() - 1).name());
            LinearModule k = rt.linearModule("model.layers.0.self_attn.k_proj").orElseThrow();
            assertEquals(16, k.outFeatures(), "2 KV heads × head dim 8");
            float[] w = f.weights().readFloat(k.weightName());
            int[] ids = {1, 9, 4, 12, 30};
            FloatMatrix plain = rt.logits(ids, ForwardOptions.defaults());
            FloatMatrix same = rt.logits(ids, ForwardOptions.defaults().withWeights(WeightOverride.of(
                    Map.of(k.name(), new LinearReplacement.Dense(k.storedRows(), k.storedCols(), w)))));
            assertArrayEquals(plain.data(), same.data());
            List<String> observed = new ArrayList<>();
            int[] finished = {0};
            rt.forward(List.of(ids), ForwardOptions.defaults().withObserver(new LinearInputObserver() {
                @Override
                public void observe(List<LinearModule> modules, FloatMatrix input) {
                    assertEquals(ids.length, input.rows());
                    assertEquals(modules.get(0).inFeatures(), input.cols());
                    modules.forEach(m -> observed.add(m.name()));
                }

                @Override
                public void layerFinished(int layer) {
                    finished[0]++;
                }
            }));
            assertEquals(mods.stream().map(LinearModule::name).toList(), observed, "every module observed once, in order");
            assertEquals(2, finished[0]);
        }
    }

    @Test
    void equalLogitsGivePerplexityEqualToTheVocabularySize() throws IOException {
        try (ModelFolder f = ModelFolder.open(copyOf("llama-spec"))) {
            ModelRuntime rt = ModelRuntime.of(f);
            LinearModule head = rt.linearModule("lm_head").orElseThrow();
            WeightOverride zeroHead = WeightOverride.of(Map.of("lm_head",
                    new LinearReplacement.Dense(head.storedRows(), head.storedCols(), new float[head.storedRows() * head.storedCols()])));
            int[] ids = f.tokenizer().encode("the people said that it was time to find the water", true);
            FloatMatrix logits = rt.logits(ids, ForwardOptions.defaults().withWeights(zeroHead));
            double nll = 0;
            for (int t = 0; t + 1 < ids.length; t++) {
                nll += LogitMath.nll(logits, t, ids[t + 1]);
            }
            double ppl = Math.exp(nll / (ids.length - 1));
            assertEquals(f.config().vocabSize(), ppl, 1e-9 * ppl);
            assertEquals(0.0, LogitMath.kl(logits, 0, logits, 1), 1e-12);
        }
    }

    @Test
    void logitMathIsStableForLargeLogits() {
        FloatMatrix z = new FloatMatrix(1, 3, new float[] {1000f, 1000f, -1000f});
        assertEquals(1000 + Math.log(2), LogitMath.logSumExp(z, 0), 1e-9);
        assertEquals(Math.log(2), LogitMath.nll(z, 0, 1), 1e-9);
        assertEquals(0, LogitMath.argmax(z, 0));
        FloatMatrix q = new FloatMatrix(1, 3, new float[] {0f, -1000f, 0f});
        assertTrue(LogitMath.kl(z, 0, q, 0) > 100, "KL to a distribution that nearly excludes half the mass");
    }

    @Test
    void longTextsAreNotTruncatedEvenWhenTokenizerJsonAsksForIt() throws IOException {
        Path dir = copyOf("llama-spec");
        Path tok = dir.resolve("tokenizer.json");
        Files.writeString(tok, Files.readString(tok).replace("\"truncation\": null",
                "\"truncation\": {\"direction\": \"Right\", \"max_length\": 5, \"strategy\": \"LongestFirst\", \"stride\": 0}"));
        assertTrue(Files.readString(tok).contains("\"max_length\": 5"));
        try (ModelFolder f = ModelFolder.open(dir)) {
            String text = String.join(" ", java.util.Collections.nCopies(700, "water"));
            int[] ids = f.tokenizer().encode(text, true);
            assertEquals(701, ids.length, "<s> plus 700 words");
            assertEquals(700, f.tokenizer().encode(text, false).length);
        }
    }

    @Test
    void poolingOverrideCls() throws IOException {
        try (ModelFolder f = ModelFolder.open(copyOf("bert"))) {
            int[] ids = f.tokenizer().encode("the water was long", true);
            ForwardResult r = ModelRuntime.of(f).forward(List.of(ids),
                    ForwardOptions.defaults().withLastHidden(true).withPooling(new Pooling(Pooling.Mode.CLS, true)));
            float[] cls = r.lastHidden().get(0).row(0);
            double n = Math.sqrt(Arrays.stream(toDouble(cls)).map(v -> v * v).sum());
            for (int j = 0; j < cls.length; j++) {
                assertEquals(cls[j] / n, r.pooled().get(0, j), 1e-6);
            }
            assertEquals(Pooling.Mode.CLS, Pooling.Mode.parse("CLS"));
            assertEquals("Unknown pooling 'max'; use mean or cls.",
                    assertThrows(ModelRuntimeException.class, () -> Pooling.Mode.parse("max")).userMessage());
        }
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}
