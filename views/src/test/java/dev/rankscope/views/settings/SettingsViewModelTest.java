package dev.rankscope.views.settings;

import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.application.workbench.CacheControl;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.application.workbench.QuickPreview;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import org.junit.jupiter.api.Test;

import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.application.workbench.AnalysisSettings;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsViewModelTest {
    final FakeDialogService dialogs = new FakeDialogService();
    final InMemorySettingsStore settings = new InMemorySettingsStore();
    final FakeWorkbenchServices services = new FakeWorkbenchServices();
    final WorkbenchViewModel workbench = new WorkbenchViewModel(services, dialogs, settings,
            WorkbenchExecutors.sameThread());

    /** A cache of a given size whose clear can be made to fail. */
    static final class FakeCache implements CacheControl {
        long bytes;
        boolean failClear;
        final List<Long> trims = new ArrayList<>();

        @Override
        public Path folder() {
            return Path.of("/tmp/fake-cache");
        }

        @Override
        public long sizeBytes() {
            return bytes;
        }

        @Override
        public void clear() throws IOException {
            if (failClear) {
                throw new IOException("permission denied");
            }
            bytes = 0;
        }

        @Override
        public void trim(long limitBytes) {
            trims.add(limitBytes);
            bytes = Math.min(bytes, (long) (limitBytes * 0.9));
        }
    }

    @Test
    void formatsBytesInPowersOf1024() {
        assertEquals("0 B", SettingsViewModel.formatBytes(0));
        assertEquals("1023 B", SettingsViewModel.formatBytes(1023));
        assertEquals("1.0 KiB", SettingsViewModel.formatBytes(1024));
        assertEquals("1.5 MiB", SettingsViewModel.formatBytes(3L << 19));
        assertEquals("2.0 GiB", SettingsViewModel.formatBytes(2L << 30));
    }

    @Test
    void showsTheSizeAndClears() {
        FakeCache cache = new FakeCache();
        cache.bytes = 5000;
        SettingsViewModel vm = new SettingsViewModel(workbench, Optional.of(cache));
        assertEquals("/tmp/fake-cache", vm.cacheFolderProperty().get());
        assertEquals(5000, vm.cacheBytesProperty().get());
        assertEquals("4.9 KiB", vm.cacheSizeProperty().get());
        vm.clearCache();
        assertEquals(0, vm.cacheBytesProperty().get());
        assertEquals("0 B", vm.cacheSizeProperty().get());
        assertFalse(vm.busyProperty().get());
        assertTrue(dialogs.errors.isEmpty());
    }

    @Test
    void aFailedClearIsOneDialogNamingTheFolder() {
        FakeCache cache = new FakeCache();
        cache.bytes = 10;
        cache.failClear = true;
        SettingsViewModel vm = new SettingsViewModel(workbench, Optional.of(cache));
        vm.clearCache();
        assertEquals(1, dialogs.errors.size());
        assertTrue(dialogs.errors.get(0).message().contains("/tmp/fake-cache"), dialogs.errors.get(0).message());
        assertEquals("10 B", vm.cacheSizeProperty().get());
    }

    @Test
    void withoutACacheNothingToClear() {
        SettingsViewModel vm = new SettingsViewModel(workbench, Optional.empty());
        assertFalse(vm.hasCache());
        assertEquals("no spectrum cache", vm.cacheFolderProperty().get());
        vm.clearCache();
        assertTrue(dialogs.errors.isEmpty());
    }

    @Test
    void choicesArePersisted() {
        SettingsViewModel vm = new SettingsViewModel(workbench, Optional.empty());
        assertEquals(Backends.Preference.AUTO, vm.engineProperty().get());
        assertEquals(0, vm.workerThreadsProperty().get());
        vm.engineProperty().set(Backends.Preference.NATIVE);
        vm.workerThreadsProperty().set(3);
        vm.quickPreviewProperty().set(QuickPreview.ALWAYS);
        assertEquals(Backends.Preference.NATIVE, settings.enginePreference());
        assertEquals(3, settings.workerThreads());
        assertEquals(QuickPreview.ALWAYS, settings.quickPreview());
        assertEquals(QuickPreview.ALWAYS, workbench.quickPreviewProperty().get());
        assertThrows(IllegalArgumentException.class, () -> settings.setWorkerThreads(-1));
    }

    @Test
    void theCacheLimitIsShownAppliedAtOnceAndPersisted() {
        FakeCache cache = new FakeCache();
        cache.bytes = 3L << 30;
        SettingsViewModel vm = new SettingsViewModel(workbench, Optional.of(cache));
        assertEquals(SettingsViewModel.formatBytes(AnalysisSettings.defaults().cacheLimit()), vm.cacheLimitProperty().get());
        assertEquals(AnalysisSettings.defaults().cacheLimit(), services.configured.get(0).cacheLimit(),
                "the session starts with the stored limit");

        assertTrue(vm.applyCacheLimit("500M"));
        assertEquals("500.0 MiB", vm.cacheLimitProperty().get());
        assertEquals(500L << 20, settings.analysisSettings().cacheLimit());
        assertEquals(500L << 20, services.configured.get(services.configured.size() - 1).cacheLimit());
        assertEquals(List.of(500L << 20), cache.trims, "applied to the folder at once");
        assertEquals((long) ((500L << 20) * 0.9), vm.cacheBytesProperty().get(), "size re-measured after the trim");
        assertEquals("", vm.cacheLimitErrorProperty().get());

        assertFalse(vm.applyCacheLimit("lots"));
        assertTrue(vm.cacheLimitErrorProperty().get().contains("'lots' is not a size"), vm.cacheLimitErrorProperty().get());
        assertFalse(vm.applyCacheLimit("0"));
        assertEquals(500L << 20, settings.analysisSettings().cacheLimit(), "refused text changes nothing");
        assertEquals(1, cache.trims.size());
        assertTrue(dialogs.errors.isEmpty());
    }

    @Test
    void metricsChoicesReachTheNextAnalysisAndArePersisted() {
        SettingsViewModel vm = new SettingsViewModel(workbench, Optional.empty());
        assertEquals(AnalysisParameters.MpMode.FIT, vm.mpFitProperty().get());
        assertEquals(AnalysisParameters.DEFAULT_MIN_EVALS, vm.minEvalsProperty().get());
        vm.mpFitProperty().set(AnalysisParameters.MpMode.OFF);
        vm.minEvalsProperty().set(50);
        AnalysisSettings applied = services.configured.get(services.configured.size() - 1);
        assertEquals(AnalysisParameters.MpMode.OFF, applied.metrics().marchenkoPastur());
        assertEquals(50, applied.metrics().minEvals());
        assertEquals(applied, settings.analysisSettings());

        workbench.open(Path.of("/models/m.safetensors"));
        MatrixAnalysis up = workbench.analyses().entrySet().stream()
                .filter(e -> e.getKey().id().equals("model.layers.0.mlp.up_proj.weight"))
                .map(java.util.Map.Entry::getValue).findFirst().orElseThrow();
        assertNull(up.mp(), "MP off in the results");
        assertNull(up.powerLaw(), "32 eigenvalues < min_evals 50: no power law");

        WorkbenchViewModel reopened = new WorkbenchViewModel(new FakeWorkbenchServices(), dialogs, settings,
                WorkbenchExecutors.sameThread());
        assertEquals(applied, reopened.analysisSettingsProperty().get(), "restored at the next start");
    }
}
