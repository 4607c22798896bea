package dev.rankscope.views.dev;

import dev.rankscope.application.workbench.EngineWorkbenchServices;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.views.fx.FxDialogService;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.animation.PauseTransition;
import javafx.embed.swing.SwingFXUtils;
import javafx.stage.Stage;
import javafx.util.Duration;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What the developer screenshot harnesses share: the real workbench (native engine when present,
 * in-memory settings, real executors and dialogs), polling the FX thread until a condition holds,
 * and writing the window's snapshot to a PNG file. FX thread only.
 */
final class Harness {
    private Harness() {
    }

    /** The production workbench ViewModel, with dialogs owned by {@code stage}. */
    static WorkbenchViewModel workbench(Stage stage) {
        return new WorkbenchViewModel(new EngineWorkbenchServices(Backends.Preference.AUTO, 1),
                new FxDialogService(() -> stage), new InMemorySettingsStore(), WorkbenchExecutors.standard());
    }

    /** Runs {@code then} on the FX thread once {@code cond} holds, checking every 300 ms. */
    static void waitThen(BooleanSupplier cond, Runnable then) {
        PauseTransition p = new PauseTransition(Duration.millis(300));
        p.setOnFinished(e -> {
            if (cond.getAsBoolean()) {
                then.run();
            } else {
                waitThen(cond, then);
            }
        });
        p.play();
    }

    /** Runs {@code steps} one after the other on the FX thread, {@code pauseMillis} apart (time to lay out and draw). */
    static void runSteps(List<Runnable> steps, double pauseMillis) {
        runSteps(steps, 0, pauseMillis);
    }

    private static void runSteps(List<Runnable> steps, int i, double pauseMillis) {
        if (i >= steps.size()) {
            return;
        }
        steps.get(i).run();
        PauseTransition p = new PauseTransition(Duration.millis(pauseMillis));
        p.setOnFinished(e -> runSteps(steps, i + 1, pauseMillis));
        p.play();
    }

    /** Writes a snapshot of {@code stage}'s scene to {@code file} as PNG. */
    static void snap(Stage stage, Path file) {
        try {
            ImageIO.write(SwingFXUtils.fromFXImage(stage.getScene().snapshot(null), null), "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
