package dev.rankscope.app.gui;

import javafx.application.Application;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a command line means "open the workbench" and starts it. No arguments, or
 * arguments that are all paths (no option, first not a CLI subcommand), open the GUI; anything
 * else stays with the CLI. With no path the bundled sample ({@code sample-checkpoints/tiny-llama}
 * under the app's root directory) is opened so a new user sees something at once.
 */
public final class WorkbenchLauncher {
    /** System property naming the app's root directory (set by the {@code rankscope} script). */
    public static final String ROOT_PROPERTY = "rankscope.root";
    /** The sample opened when no path is given, relative to the root directory. */
    public static final String SAMPLE = "sample-checkpoints/tiny-llama";

    private WorkbenchLauncher() {
    }

    /** True when {@code args} should open the workbench rather than run a CLI subcommand. */
    public static boolean isGuiInvocation(String[] args, Collection<String> subcommands) {
        if (args.length == 0) {
            return true;
        }
        if (subcommands.contains(args[0])) {
            return false;
        }
        for (String a : args) {
            if (a.startsWith("-")) {
                return false;
            }
        }
        return true;
    }

    /** The paths the workbench opens at start: the arguments, or the sample when there are none (and it exists). */
    public static List<Path> startPaths(String[] args, Path root) {
        List<Path> out = new ArrayList<>();
        for (String a : args) {
            out.add(Path.of(a));
        }
        if (out.isEmpty()) {
            sample(root).ifPresent(out::add);
        }
        return out;
    }

    /** The bundled sample under {@code root}, if present. */
    public static Optional<Path> sample(Path root) {
        Path p = root.resolve(SAMPLE);
        return Files.exists(p) ? Optional.of(p) : Optional.empty();
    }

    /** The app's root directory: {@code -Drankscope.root}, else the working directory. */
    public static Path rootDirectory() {
        String r = System.getProperty(ROOT_PROPERTY);
        return Path.of(r == null || r.isBlank() ? System.getProperty("user.dir") : r);
    }

    /** Starts JavaFX with the workbench; returns when the window closes. */
    public static void launch(String[] args) {
        Application.launch(WorkbenchApp.class, args);
    }
}
