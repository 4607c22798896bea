package dev.rankscope.views.dev;

import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.views.service.Theme;
import dev.rankscope.views.model.Metric;
import dev.rankscope.views.workbench.WorkbenchView;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Developer harness (not a test): starts the real workbench on a checkpoint under a real display
 * (e.g. Xvfb), waits for the analysis, then snapshots each tab, light and dark, to PNG files.
 * {@code java -cp … ScreenshotHarness CHECKPOINT OUTDIR}
 */
public final class ScreenshotHarness {
    public static void main(String[] args) {
        Application.launch(App.class, args);
    }

    /** The JavaFX application (separate so {@code main} starts from a plain class path). */
    public static final class App extends Application {
    private WorkbenchViewModel vm;
    private WorkbenchView view;
    private Stage stage;
    private Path out;

    @Override
    public void start(Stage stage) {
        this.stage = stage;
        List<String> args = getParameters().getRaw();
        out = Path.of(args.get(1));
        vm = Harness.workbench(stage);
        view = new WorkbenchView(vm);
        view.install(stage);
        stage.setWidth(1440);
        stage.setHeight(900);
        stage.show();
        vm.open(Path.of(args.get(0)));
        Harness.waitThen(() -> vm.matricesTotalProperty().get() > 0
                && vm.matricesDoneProperty().get() >= vm.matricesTotalProperty().get(), this::shoot);
    }

    private void shoot() {
        List<MatrixEntry> all = vm.checkpoints().get(0).matrices();
        MatrixEntry q1 = all.stream().filter(e -> e.id().contains("layers.1.self_attn.q_proj")).findFirst().orElse(all.get(1));
        MatrixEntry up1 = all.stream().filter(e -> e.id().contains("layers.1.mlp.up_proj")).findFirst().orElse(all.get(2));
        MatrixEntry k1 = all.stream().filter(e -> e.id().contains("layers.1.self_attn.k_proj")).findFirst().orElse(all.get(2));
        List<Runnable> steps = new ArrayList<>();
        steps.add(() -> {
            vm.select(List.of(q1), q1);
            view.tabs().getSelectionModel().select(0);
        });
        steps.add(() -> snap("spectrum"));
        steps.add(() -> vm.select(List.of(q1, k1, up1), q1));
        steps.add(() -> snap("spectrum-overlay"));
        steps.add(() -> view.tabs().getSelectionModel().select(1));
        steps.add(() -> snap("layermap"));
        steps.add(() -> vm.metricProperty().set(Metric.ALPHA));
        steps.add(() -> snap("layermap-alpha"));
        steps.add(() -> view.tabs().getSelectionModel().select(2));
        steps.add(() -> snap("table"));
        steps.add(() -> {
            vm.themeProperty().set(Theme.DARK);
            vm.metricProperty().set(Metric.ERANK_RATIO);
            vm.select(List.of(q1), q1);
            view.tabs().getSelectionModel().select(0);
        });
        steps.add(() -> snap("spectrum-dark"));
        steps.add(() -> view.tabs().getSelectionModel().select(1));
        steps.add(() -> snap("layermap-dark"));
        steps.add(Platform::exit);
        Harness.runSteps(steps, 700);
    }


    private void snap(String name) {
        Harness.snap(stage, out.resolve("screenshot-" + name + ".png"));
    }
}
}
