package dev.rankscope.tests.hostile;

import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.application.workbench.EngineWorkbenchServices;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.application.workbench.QuickPreview;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8, the UI half of the malformed-file corpus: every case the CLI must refuse
 * ({@link CliHostileTest}) is opened in the workbench — the same ViewModel, services and engine
 * the window uses, on the calling thread — and must produce exactly one error dialog that names
 * the file and carries no stack trace, exception class or "internal error"; a pickle payload must
 * never run. Whether the problem shows at open (header) or while analysing (data) does not matter
 * to the user, so either dialog counts.
 */
class WorkbenchMalformedCorpusTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rankscope.tests.hostile.CliHostileTest#malformedCheckpoints")
    void malformedFileGivesOneCleanDialog(MalformedCorpus.Case c, @TempDir Path dir) throws Exception {
        Path path = c.fixture().create(dir);
        InMemorySettingsStore settings = new InMemorySettingsStore();
        settings.setQuickPreview(QuickPreview.OFF);
        EngineWorkbenchServices services = new EngineWorkbenchServices(
                () -> Backends.select(Backends.Preference.JAVA), 1, dir.resolve("cache"));
        FakeDialogService dialogs = new FakeDialogService();
        WorkbenchViewModel vm = new WorkbenchViewModel(services, dialogs, settings, WorkbenchExecutors.sameThread());
        try {
            vm.open(path);
        } finally {
            vm.shutdown();
        }

        assertEquals(1, dialogs.errors.size(), c.id() + ": error dialogs " + dialogs.errors);
        FakeDialogService.Shown shown = dialogs.errors.get(0);
        String text = shown.title() + "\n" + shown.message();
        String named = c.namedFile() != null ? c.namedFile() : path.getFileName().toString();
        assertTrue(text.contains(named), c.id() + ": the dialog must name " + named + ": " + text);
        assertFalse(text.contains("\tat ") || text.contains("at dev.") || text.contains("at java."),
                c.id() + ": stack trace in the dialog: " + text);
        assertFalse(text.contains("Exception") || text.contains("internal error") || text.contains("unexpected error"),
                c.id() + ": " + text);
        assertFalse(Files.exists(dir.resolve(MalformedCorpus.MARKER)), c.id() + ": a pickle payload ran");
    }
}
