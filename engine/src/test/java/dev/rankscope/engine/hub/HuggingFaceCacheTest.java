package dev.rankscope.engine.hub;

import dev.rankscope.engine.RankscopeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Hugging Face cache on a fake cache tree laid out as huggingface_hub writes it (blobs + symlinked snapshots + refs). */
class HuggingFaceCacheTest {

    static final String OLD = "0123456789abcdef0123456789abcdef01234567";
    static final String NEW = "fedcba9876543210fedcba9876543210fedcba98";

    /** models--org--name with a blob-backed snapshot of {@code files} (name → bytes) at {@code commit}. */
    static Path snapshot(Path root, String repo, String commit, Map<String, byte[]> files, String... refs) throws IOException {
        Path dir = root.resolve("models--" + repo.replace("/", "--"));
        Path snap = Files.createDirectories(dir.resolve("snapshots").resolve(commit));
        Path blobs = Files.createDirectories(dir.resolve("blobs"));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path blob = Files.write(blobs.resolve(commit.substring(0, 8) + "-" + f.getKey().replace('/', '_')), f.getValue());
            Path link = snap.resolve(f.getKey());
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, link.getParent().relativize(blob));
        }
        for (String ref : refs) {
            Files.createDirectories(dir.resolve("refs"));
            Files.writeString(dir.resolve("refs").resolve(ref), commit);
        }
        return snap;
    }

    @Test
    void locatesTheCacheAsHuggingFaceHubDoes() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/x/hub"), HuggingFaceCache.locate(Map.of("HF_HUB_CACHE", "/x/hub", "HF_HOME", "/y"), home));
        assertEquals(Path.of("/y/hub"), HuggingFaceCache.locate(Map.of("HF_HOME", "/y"), home));
        assertEquals(Path.of("/c/huggingface/hub"), HuggingFaceCache.locate(Map.of("XDG_CACHE_HOME", "/c"), home));
        assertEquals(Path.of("/home/u/.cache/huggingface/hub"), HuggingFaceCache.locate(Map.of(), home));
    }

    @Test
    void listsModelsWithRevisionSizeAndFormat(@TempDir Path root) throws IOException {
        snapshot(root, "sentence-transformers/all-MiniLM-L6-v2", OLD,
                Map.of("model.safetensors", new byte[100], "config.json", new byte[10]));
        snapshot(root, "sentence-transformers/all-MiniLM-L6-v2", NEW,
                Map.of("model.safetensors", new byte[120], "config.json", new byte[10]), "main");
        snapshot(root, "gpt2", OLD, Map.of("pytorch_model.bin", new byte[7]), "main");
        snapshot(root, "org/adapter", OLD, Map.of("adapter_config.json", new byte[3], "adapter_model.safetensors", new byte[5]));
        Files.createDirectories(root.resolve("datasets--org--data/snapshots/" + OLD));   // not a model
        List<HuggingFaceCache.CachedModel> models = new HuggingFaceCache(root).models();
        assertEquals(4, models.size());
        HuggingFaceCache.CachedModel gpt2 = models.get(0);
        assertEquals("gpt2", gpt2.repoId());
        assertEquals("pytorch", gpt2.format());
        assertEquals(7, gpt2.sizeBytes());
        assertEquals("hf:gpt2@main", gpt2.reference());
        assertEquals("peft-adapter", models.get(1).format());
        assertEquals(List.of(), models.get(1).refs());
        assertEquals("hf:org/adapter@" + OLD, models.get(1).reference());
        List<HuggingFaceCache.CachedModel> minilm = models.subList(2, 4);
        assertTrue(minilm.stream().allMatch(m -> m.repoId().equals("sentence-transformers/all-MiniLM-L6-v2")
                && m.format().equals("safetensors")));
        assertEquals(130, minilm.stream().filter(m -> m.revision().equals(NEW)).findFirst().orElseThrow().sizeBytes());
        assertEquals(List.of("main"), minilm.stream().filter(m -> m.revision().equals(NEW)).findFirst().orElseThrow().refs());
        assertTrue(new HuggingFaceCache(root.resolve("absent")).models().isEmpty());
    }

    @Test
    void resolvesReferencesByRefCommitOrPrefix(@TempDir Path root) throws IOException {
        Path old = snapshot(root, "org/model", OLD, Map.of("model.safetensors", new byte[8]));
        Path main = snapshot(root, "org/model", NEW, Map.of("model.safetensors", new byte[8]), "main");
        HuggingFaceCache cache = new HuggingFaceCache(root);
        assertEquals(main, cache.resolve("hf:org/model"));
        assertEquals(main, cache.resolve("hf:org/model@main"));
        assertEquals(old, cache.resolve("hf:org/model@" + OLD));
        assertEquals(old, cache.resolve("hf:org/model@01234567"));
        assertTrue(HuggingFaceCache.isReference("hf:org/model"));
        assertFalse(HuggingFaceCache.isReference("org/model"));
    }

    /** The workbench named a checkpoint opened from the cache by its snapshot folder, the revision hash. */
    @Test
    void snapshotsAreNamedByTheirModel(@TempDir Path root) throws IOException {
        Path snap = snapshot(root, "rankscope/tiny-kjv", NEW, Map.of("model.safetensors", new byte[8]), "main");
        assertEquals(Optional.of("rankscope/tiny-kjv@" + NEW.substring(0, 12)), HuggingFaceCache.snapshotName(snap));
        assertEquals(Optional.of("rankscope/tiny-kjv@" + NEW.substring(0, 12) + "/model.safetensors"),
                HuggingFaceCache.snapshotName(snap.resolve("model.safetensors")));
        assertEquals(Optional.empty(), HuggingFaceCache.snapshotName(Path.of("/data/tiny-kjv")));
        assertEquals(Optional.empty(), HuggingFaceCache.snapshotName(Path.of("/data/snapshots/abc")));
    }

    @Test
    void absentModelsAndRevisionsAreOneClearSentence(@TempDir Path root) throws IOException {
        snapshot(root, "org/model", NEW, Map.of("model.safetensors", new byte[8]), "main");
        HuggingFaceCache cache = new HuggingFaceCache(root);
        RankscopeException missing = assertThrows(RankscopeException.class, () -> cache.resolve("hf:org/other"));
        assertEquals("hf:org/other: org/other is not in the Hugging Face cache " + root
                + " (Rankscope does not download; fetch it first, e.g. huggingface-cli download org/other)", missing.userMessage());
        RankscopeException revision = assertThrows(RankscopeException.class, () -> cache.resolve("hf:org/model@v2"));
        assertEquals("hf:org/model@v2: revision v2 of org/model is not in the Hugging Face cache (cached: main = " + NEW + ")",
                revision.userMessage());
        for (String bad : List.of("hf:", "hf:a/b/c", "hf:../x", "hf:org/model@")) {
            RankscopeException e = assertThrows(RankscopeException.class, () -> cache.resolve(bad));
            assertTrue(e.userMessage().endsWith("not a Hugging Face reference (expected hf:org/name or hf:org/name@revision)"),
                    e.userMessage());
        }
    }
}
