package dev.rankscope.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the bundled numpy reference scripts ({@code numpy_svd.py}, {@code numpy_model.py}) with
 * Debian's {@code /usr/bin/python3} when it has numpy, for the benchmark's comparison column.
 * Absent numpy is not an error: the comparison is simply left out with a note.
 */
final class NumpyReference {
    static final Path PYTHON = Path.of("/usr/bin/python3");

    private NumpyReference() {
    }

    /** True when /usr/bin/python3 can import numpy. */
    static boolean available() {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs a bundled script with arguments; returns its JSON output, or empty on failure. */
    static Optional<JsonNode> run(String script, List<String> args, long timeoutMinutes) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("rankscope-", "-" + script);
            try (InputStream in = NumpyReference.class.getResourceAsStream("/dev/rankscope/app/bench/" + script)) {
                if (in == null) {
                    return Optional.empty();
                }
                dev.rankscope.engine.io.AtomicFileWriter.unprotected().writeBytes(tmp, in.readAllBytes());
            }
            List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), tmp.toString()));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return Optional.of(new ObjectMapper().readTree(out));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temp script left behind is harmless
                }
            }
        }
    }
}
