package dev.rankscope.application.sweep;

import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.Backends;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The workbench's series run: {@link SweepJob} over checkpoints in exactly the order the user
 * set (the sweep itself orders plain paths by step, so the order is handed over as a list file,
 * as {@code rankscope sweep --list} does), in a temporary folder that is deleted afterwards; the
 * rows stay in the {@link SweepResult} (its {@code written} list is empty). Progress, notes and
 * cancel are the sweep's ({@link JobTask#runStep}). Spectra come from the spectrum cache of the
 * sweep's {@code AnalyzeJob} environment, shared with the workbench and {@code analyze}.
 */
public final class SeriesSweepTask extends JobTask<SweepResult> {
    private static final String ORDER_FILE = "series-order.txt";

    private final SweepJob job;
    private final Request request;

    /**
     * What to compute.
     *
     * @param paths            checkpoint paths in series order (at least one)
     * @param updates          update spectra ΔW to compute
     * @param intrudersVsFirst whether to count intruders against the first checkpoint
     * @param intruders        k and ε of the intruder count
     * @param engine           SVD engine preference
     * @param useCache         read and write the spectrum cache
     */
    public record Request(List<String> paths, SweepParameters.Updates updates, boolean intrudersVsFirst,
                          IntruderParameters intruders, Backends.Preference engine, boolean useCache) {
        public Request {
            paths = List.copyOf(paths);
            if (paths.isEmpty()) {
                throw new IllegalArgumentException("a series needs at least one checkpoint");
            }
        }
    }

    public SeriesSweepTask(SweepJob job, Request request) {
        super("Series of " + request.paths().size() + " checkpoints");
        this.job = job;
        this.request = request;
    }

    @Override
    protected SweepResult compute() {
        Path dir;
        try {
            dir = Files.createTempDirectory("rankscope-series-");
        } catch (IOException e) {
            throw new RankscopeException("cannot create a temporary folder for the series (" + e.getMessage() + ")");
        }
        try {
            Path list = dir.resolve(ORDER_FILE);
            dev.rankscope.engine.io.AtomicFileWriter.unprotected().writeBytes(list,
                    (String.join("\n", request.paths()) + "\n").getBytes(StandardCharsets.UTF_8));
            SweepParameters p = new SweepParameters(List.of(), list.toString(), dir.resolve("out").toString(), List.of(),
                    request.updates(), request.intrudersVsFirst(), request.intruders(), request.engine(), 0,
                    request.useCache());
            SweepResult r = runStep(job.task(p));
            List<String> notes = r.notes().stream().filter(n -> !n.endsWith(ORDER_FILE)).toList();
            return new SweepResult(r.series(), r.rows(), r.unmatched(), r.failures(), notes, r.spectraComputed(),
                    r.spectraFromCache(), List.of());
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a left-over in the system temp folder; nothing more to do
        }
    }
}
