package dev.rankscope.views.dev;

import dev.rankscope.views.compensate.CompensateView;
import dev.rankscope.views.workbench.WorkbenchView;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import javafx.util.Duration;

import java.nio.file.Path;
import java.util.List;

/**
 * Developer harness (not a test) for the Quantize tab's Evaluate panel: starts the real workbench
 * under a real display (Xvfb), opens MODEL, and on the Quantize tab runs Analyse with SCHEME, Export
 * into OUT/adapter and Evaluate (the same ViewModel calls the buttons make), then snapshots the window
 * at 1280×800 and 1920×1080 into OUT/quantize-evaluate-WxH.png.
 * {@code java -cp … QuantizeScreenshotHarness MODEL_FILE SCHEME OUT}
 */
public final class QuantizeScreenshotHarness {
    public static void main(String[] args) {
        Application.launch(App.class, args);
    }

    /** The JavaFX application. */
    public static final class App extends Application {
        private Stage stage;
        private Path out;

        @Override
        public void start(Stage stage) {
            this.stage = stage;
            List<String> args = getParameters().getRaw();
            Path model = Path.of(args.get(0));
            out = Path.of(args.get(2));
            WorkbenchViewModel vm = Harness.workbench(stage);
            WorkbenchView view = new WorkbenchView(vm);
            CompensateView quantize = CompensateView.install(view, vm);
            view.install(stage);
            stage.setWidth(1280);
            stage.setHeight(800);
            stage.show();
            vm.open(model);
            view.tabs().getSelectionModel().select(view.tabs().getTabs().size() - 1);
            quantize.viewModel().baseProperty().set(model);
            quantize.viewModel().schemeProperty().set(args.get(1));
            quantize.viewModel().analyse();
            Harness.waitThen(() -> quantize.viewModel().analysisProperty().get() != null, () -> {
                quantize.viewModel().export(out.resolve("adapter"));
                Harness.waitThen(() -> quantize.viewModel().exportedProperty().get() != null, () -> {
                    quantize.evaluationViewModel().evaluate(quantize.viewModel().exportedProperty().get());
                    Harness.waitThen(() -> quantize.evaluationViewModel().comparisonProperty().get() != null
                            || !quantize.evaluationViewModel().runningProperty().get(), this::shoot);
                });
            });
        }

        private void shoot() {
            snap(1280, 800, () -> snap(1920, 1080, Platform::exit));
        }

        private void snap(int w, int h, Runnable then) {
            stage.setWidth(w);
            stage.setHeight(h);
            PauseTransition settle = new PauseTransition(Duration.millis(1500));
            settle.setOnFinished(e -> {
                Harness.snap(stage, out.resolve("quantize-evaluate-" + w + "x" + h + ".png"));
                then.run();
            });
            settle.play();
        }
    }
}
