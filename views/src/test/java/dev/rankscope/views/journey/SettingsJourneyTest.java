package dev.rankscope.views.journey;

import dev.rankscope.engine.cache.FileIdentity;
import dev.rankscope.engine.cache.SpectrumCache;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.views.fx.FxDialogService;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.application.workbench.QuickPreview;
import dev.rankscope.application.workbench.SpectrumCacheControl;
import dev.rankscope.views.settings.SettingsViewModel;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.workbench.WorkbenchView;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.application.workbench.AnalysisSettings;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.rankscope.views.testing.Journeys.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Edit ▸ Settings… headless: the spectrum cache (a temporary folder with real entries, never the
 * user's ~/.cache) shows its size, Clear asks first, and after confirming the size reads 0 B and
 * the entries are gone; the quick-preview and engine choices persist through the settings store;
 * a lowered size limit trims the folder at once and reaches the running session, with the MP fit
 * and {@code min_evals} of the next analysis.
 */
@ExtendWith(ApplicationExtension.class)
class SettingsJourneyTest {
    @TempDir
    static Path cacheRoot;

    FakeWorkbenchServices services;
    InMemorySettingsStore settings;
    WorkbenchViewModel vm;
    Path cacheDir;

    @Start
    void start(Stage stage) {
        cacheDir = cacheRoot.resolve("spectra-" + System.nanoTime());
        services = new FakeWorkbenchServices();
        services.cacheControl = new SpectrumCacheControl(cacheDir);
        settings = new InMemorySettingsStore();
        vm = new WorkbenchViewModel(services, new FxDialogService(() -> stage), settings, WorkbenchExecutors.standard());
        WorkbenchView view = new WorkbenchView(vm);
        view.install(stage);
        stage.setWidth(1000);
        stage.setHeight(700);
        stage.show();
    }

    /** Writes three real cache entries. */
    private void fillCache() throws Exception {
        Path model = cacheRoot.resolve("model.bin");
        Files.write(model, new byte[]{1, 2, 3});
        FileIdentity id = FileIdentity.of(List.of(model));
        SpectrumCache cache = new SpectrumCache(cacheDir, "test");
        for (int i = 0; i < 3; i++) {
            assertTrue(cache.put(id, new Spectrum(MatrixRef.whole("w" + i, 4, 3), new double[]{3, 2, 1},
                    SvdMethod.GESDD, Precision.F64, false, 1)));
        }
    }

    private static long files(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void seeTheCacheSizeClearItAndChooseThePreview(FxRobot robot) throws Exception {
        fillCache();
        long bytes = new SpectrumCacheControl(cacheDir).sizeBytes();
        assertTrue(bytes > 0);
        robot.clickOn("Edit");
        robot.clickOn("#menu-settings");
        waitUntil(() -> robot.lookup("#settings-cache-size").tryQuery().isPresent());
        Label size = robot.lookup("#settings-cache-size").queryAs(Label.class);
        waitUntil(() -> SettingsViewModel.formatBytes(bytes).equals(size.getText()));
        assertEquals(cacheDir.toString(), robot.lookup("#settings-cache-folder").queryAs(Label.class).getText());

        robot.clickOn("#settings-clear-cache");
        waitUntil(() -> robot.lookup("#settings-clear-question").query().isVisible());
        robot.clickOn("#settings-clear-cancel");                    // changed my mind: nothing deleted
        waitUntil(() -> !robot.lookup("#settings-clear-question").query().isVisible());
        assertEquals(3, files(cacheDir));

        robot.clickOn("#settings-clear-cache");
        robot.clickOn("#settings-clear-confirm");
        waitUntil(() -> "0 B".equals(size.getText()));
        assertEquals(0, files(cacheDir));
        assertFalse(robot.lookup("#settings-clear-question").query().isVisible());

        @SuppressWarnings("unchecked")
        ChoiceBox<QuickPreview> preview = robot.lookup("#settings-quick-preview").queryAs(ChoiceBox.class);
        assertEquals(QuickPreview.LARGE_CHECKPOINTS, preview.getValue());
        robot.interact(() -> preview.setValue(QuickPreview.OFF));
        assertEquals(QuickPreview.OFF, settings.quickPreview());
        assertEquals(QuickPreview.OFF, vm.quickPreviewProperty().get());
        @SuppressWarnings("unchecked")
        ChoiceBox<Backends.Preference> engine = robot.lookup("#settings-engine").queryAs(ChoiceBox.class);
        robot.interact(() -> engine.setValue(Backends.Preference.JAVA));
        assertEquals(Backends.Preference.JAVA, settings.enginePreference());
        robot.clickOn("#settings-close");
        waitUntil(() -> robot.lookup("#settings-cache-size").tryQuery().isEmpty());
    }

    @Test
    void setTheCacheLimitAndTheMetricsOfTheNextAnalysis(FxRobot robot) throws Exception {
        fillCache();
        long entry = new SpectrumCacheControl(cacheDir).sizeBytes() / 3;
        robot.clickOn("Edit");
        robot.clickOn("#menu-settings");
        waitUntil(() -> robot.lookup("#settings-cache-limit").tryQuery().isPresent());
        TextField limit = robot.lookup("#settings-cache-limit").queryAs(TextField.class);
        assertEquals("2.0 GiB", limit.getText());
        Label error = robot.lookup("#settings-cache-limit-error").queryAs(Label.class);

        robot.interact(() -> limit.setText("a lot"));
        robot.clickOn("#settings-cache-limit-apply");
        waitUntil(() -> error.getText().contains("not a size"));
        assertEquals(3, files(cacheDir), "a refused limit deletes nothing");

        robot.interact(() -> limit.setText(Long.toString(entry * 2)));
        robot.clickOn("#settings-cache-limit-apply");
        waitUntil(() -> error.getText().isEmpty());
        waitUntil(() -> {
            try {
                return files(cacheDir) == 1;
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(entry * 2, settings.analysisSettings().cacheLimit());
        assertEquals(entry * 2, services.configured.get(services.configured.size() - 1).cacheLimit(),
                "the running session writes under the new limit");
        Label size = robot.lookup("#settings-cache-size").queryAs(Label.class);
        waitUntil(() -> SettingsViewModel.formatBytes(entry).equals(size.getText()));

        @SuppressWarnings("unchecked")
        ChoiceBox<AnalysisParameters.MpMode> mp = robot.lookup("#settings-mp-fit").queryAs(ChoiceBox.class);
        assertEquals(AnalysisParameters.MpMode.FIT, mp.getValue());
        robot.interact(() -> mp.setValue(AnalysisParameters.MpMode.QUICK));
        @SuppressWarnings("unchecked")
        Spinner<Integer> minEvals = robot.lookup("#settings-min-evals").queryAs(Spinner.class);
        robot.interact(() -> minEvals.getValueFactory().setValue(25));
        AnalysisSettings applied = services.configured.get(services.configured.size() - 1);
        assertEquals(AnalysisParameters.MpMode.QUICK, applied.metrics().marchenkoPastur());
        assertEquals(25, applied.metrics().minEvals());
        assertEquals(applied, settings.analysisSettings());
        robot.clickOn("#settings-close");
        waitUntil(() -> robot.lookup("#settings-cache-size").tryQuery().isEmpty());
    }
}
