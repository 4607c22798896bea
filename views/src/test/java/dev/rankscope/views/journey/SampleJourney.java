package dev.rankscope.views.journey;

import dev.rankscope.engine.synth.SampleCheckpoints;
import dev.rankscope.views.testing.FakeDialogService;
import java.nio.file.Path;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;

/**
 * Base of the headless journeys over the {@link FullWorkbench} (every tab, real engine) on the
 * generated sample checkpoints (written once per class), with a fake dialog service that answers
 * the size and save dialogs and records errors.
 */
@ExtendWith(ApplicationExtension.class)
abstract class SampleJourney {
    @TempDir
    static Path samplesDir;
    static SampleCheckpoints.Samples samples;

    final FakeDialogService dialogs = new FakeDialogService();
    FullWorkbench window;

    @BeforeAll
    static void writeSamples() {
        samples = SampleCheckpoints.writeAll(samplesDir);
    }

    /**
     * Shows the window; call from the subclass's own {@code @Start} method (TestFX only runs
     * {@code @Start} methods declared on the test class itself).
     */
    void show(Stage stage) {
        window = new FullWorkbench(stage, dialogs);
    }
}
