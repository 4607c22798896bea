package dev.rankscope.tests.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.engine.testing.SafetensorsFixtures;
import dev.rankscope.engine.io.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Issue item 7, end to end: a 2,000-shard checkpoint is analysed completely by a process limited
 * to 256 open files ({@code ulimit -n 256}); shard files are opened on demand and only a few
 * stay open, so no matrix fails with "too many open files" and the JSON is written.
 */
class ManyShardsCliTest {
    private static final int SHARDS = 2000;

    @TempDir
    Path work;

    @Test
    void twoThousandShardsUnderALowFileLimit() throws Exception {
        Path model = Files.createDirectories(work.resolve("model"));
        Random rnd = new Random(7);
        StringBuilder weightMap = new StringBuilder();
        for (int i = 0; i < SHARDS; i++) {
            float[] v = new float[6 * 4];
            for (int k = 0; k < v.length; k++) {
                v[k] = (float) rnd.nextGaussian();
            }
            String name = "model.layers." + i + ".mlp.up_proj.weight";
            String shard = SafetensorsWriter.shardName(i, SHARDS);
            Files.write(model.resolve(shard), SafetensorsFixtures.bytes(SafetensorsFixtures.header(
                    SafetensorsFixtures.entry(name, "F32", new long[] {6, 4}, 0, 4L * v.length)), SafetensorsFixtures.f32(v)));
            weightMap.append(i == 0 ? "" : ",").append('"').append(name).append("\":\"").append(shard).append('"');
        }
        Files.writeString(model.resolve("model.safetensors.index.json"), "{\"metadata\":{},\"weight_map\":{" + weightMap + "}}");
        Path json = work.resolve("out.json");
        CliProcess.Result r = new CliProcess(work).fileLimit(256)
                .run("many", Duration.ofSeconds(300), "analyze", model.toString(), "--no-cache", "--quiet", "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err().lines().limit(5).reduce("", (a, b) -> a + b + "\n"));
        assertFalse(r.err().toLowerCase().contains("too many open files"), r.err());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(SHARDS, root.get("matrices").size());
    }
}
