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

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsViewModelTest {
    final FakeDialogService dialogs = new FakeDialogService();
    final InMemorySettingsStore settings = new InMemorySettingsStore();
    final WorkbenchViewModel workbench = new WorkbenchViewModel(new FakeWorkbenchServices(), dialogs, settings,
            WorkbenchExecutors.sameThread());

    /** A cache of a given size whose clear can be made to fail. */
    static final class FakeCache implements CacheControl {
        long bytes;
        boolean failClear;

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
}
