package dev.rankscope.application.analyze;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.layout.ConvMode;
import dev.rankscope.application.job.JobJson;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.synth.SampleCheckpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The analyze job: its parameters round-trip through JSON and validate on the way in; a run
 * lists, filters, analyses and writes its JSON, a second run replays every spectrum from the
 * cache with the same result, and the notes say so.
 */
class AnalyzeJobTest {
    @TempDir
    Path tmp;

    @Test
    void parametersRoundTripThroughJsonAndValidate() {
        AnalyzeParameters p = new AnalyzeParameters(tmp.resolve("model").toAbsolutePath(), "q_proj|k_proj", true,
                ConvMode.POOLED, Precision.F32, Backends.Preference.JAVA, 3, false, tmp.resolve("a.json").toAbsolutePath(), null);
        assertEquals(p, JobJson.read(JobJson.write(p), AnalyzeParameters.class));

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> JobJson.read(
                JobJson.write(p).replace("q_proj|k_proj", "(unclosed"), AnalyzeParameters.class));
        assertTrue(bad.getMessage().startsWith("filter is not a valid regular expression"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AnalyzeParameters(tmp, null, false, null, null, null,
                -1, true, null, null));
    }

    @Test
    void aSecondRunReplaysEverySpectrumFromTheCache() throws Exception {
        Path model = SampleCheckpoints.writeAll(tmp.resolve("samples")).base();
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        AnalyzeJob job = new AnalyzeJob(new AnalyzeJob.Environment(Backends::select, tmp.resolve("cache"), null, clock));
        Path json = tmp.resolve("out/analysis.json");
        AnalyzeParameters p = new AnalyzeParameters(model, "self_attn", false, ConvMode.RESHAPE, Precision.F64,
                Backends.Preference.JAVA, 1, true, json, null);

        var first = job.task(p);
        AnalyzeResult computed = first.runHere();
        assertTrue(computed.selected() > 0);
        assertEquals(computed.selected(), computed.analysis().matrices().size());
        assertTrue(computed.analysis().matrices().stream().allMatch(a -> a.spectrum().ref().id().contains("self_attn")));
        assertEquals(0, computed.fromCache());
        assertEquals(List.of(json), computed.written());
        assertTrue(Files.readString(json).contains("\"sigma\""));
        assertTrue(first.notes().get(0).contains("matrices; engine"), first.notes().toString());

        var second = job.task(p);
        AnalyzeResult replayed = second.runHere();
        assertEquals(computed.selected(), replayed.fromCache());
        assertTrue(second.notes().contains(replayed.fromCache() + " spectra from the cache"), second.notes().toString());
        for (int i = 0; i < computed.analysis().matrices().size(); i++) {
            MatrixAnalysis a = computed.analysis().matrices().get(i);
            MatrixAnalysis b = replayed.analysis().matrices().get(i);
            assertEquals(a.spectrum().ref().id(), b.spectrum().ref().id());
            assertArrayEquals(a.spectrum().sigma(), b.spectrum().sigma(), 0);
        }
    }
}
