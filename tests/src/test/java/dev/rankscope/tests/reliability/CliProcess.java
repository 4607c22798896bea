package dev.rankscope.tests.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the real {@code rankscope} command line as a separate process ({@code java -cp <this
 * test's class path> dev.rankscope.app.Main …}), so that tests can send it signals, limit its
 * file descriptors and give it its own cache folder ({@code XDG_CACHE_HOME}). Output goes to
 * files (no pipe can fill up and block the child).
 */
final class CliProcess {
    /** What a finished (or killed) run left. */
    record Result(int exitCode, String out, String err, boolean hung) { }

    private final Path work;
    private final List<String> jvmOptions = new ArrayList<>();
    private Path cacheHome;
    private String fdLimit;

    /** @param work folder for the run's stdout/stderr files (and the default cache) */
    CliProcess(Path work) {
        this.work = work;
        this.cacheHome = work.resolve("cache-home");
    }

    CliProcess cacheHome(Path dir) {
        this.cacheHome = dir;
        return this;
    }

    /** Adds {@code -Dkey=value} to the child's JVM. */
    CliProcess property(String key, String value) {
        jvmOptions.add("-D" + key + "=" + value);
        return this;
    }

    /** Runs the child under {@code ulimit -n limit} (through bash). */
    CliProcess fileLimit(int limit) {
        this.fdLimit = Integer.toString(limit);
        return this;
    }

    /** The spectrum cache folder the child uses. */
    Path cacheDir() {
        return cacheHome.resolve("rankscope").resolve("spectra");
    }

    /** Starts {@code rankscope args…}; stdout and stderr go to {@code name.out} / {@code name.err} in the work folder. */
    Process start(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.rankscope.app.Main");
        cmd.addAll(List.of(args));
        if (fdLimit != null) {
            List<String> quoted = cmd.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList();
            cmd = List.of("bash", "-c", "ulimit -n " + fdLimit + " && exec " + String.join(" ", quoted));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("XDG_CACHE_HOME", cacheHome.toString());
        pb.environment().remove("RANKSCOPE_DEBUG");
        pb.environment().remove("RANKSCOPE_CACHE_LIMIT");
        pb.redirectOutput(work.resolve(name + ".out").toFile());
        pb.redirectError(work.resolve(name + ".err").toFile());
        return pb.start();
    }

    /** Runs to the end (at most {@code timeout}; a run that takes longer is killed and reported as hung). */
    Result run(String name, Duration timeout, String... args) throws IOException, InterruptedException {
        return await(name, start(name, args), timeout);
    }

    /** Waits for {@code p} (started as {@code name}) at most {@code timeout}. */
    Result await(String name, Process p, Duration timeout) throws IOException, InterruptedException {
        boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            p.destroyForcibly().waitFor();
        }
        return new Result(done ? p.exitValue() : -1, Files.readString(work.resolve(name + ".out")),
                Files.readString(work.resolve(name + ".err")), !done);
    }

    /** Sends {@code signal} (e.g. {@code INT}, {@code TERM}) to {@code p} with {@code kill}. */
    static void signal(Process p, String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
    }

    /**
     * Whether this (the test's) process ignores SIGINT — as a background job of a non-interactive
     * shell does; children inherit that, and a JVM keeps an ignored SIGINT ignored.
     */
    static boolean sigintIgnoredHere() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0b10) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }
}
