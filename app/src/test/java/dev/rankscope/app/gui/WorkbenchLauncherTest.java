package dev.rankscope.app.gui;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkbenchLauncherTest {
    static final Set<String> SUBCOMMANDS = Set.of("analyze", "bench", "help");

    @Test
    void noArgumentsOrOnlyPathsOpenTheWorkbench() {
        assertTrue(WorkbenchLauncher.isGuiInvocation(new String[0], SUBCOMMANDS));
        assertTrue(WorkbenchLauncher.isGuiInvocation(new String[]{"model.safetensors", "/m/other"}, SUBCOMMANDS));
    }

    @Test
    void subcommandsAndOptionsStayWithTheCli() {
        assertFalse(WorkbenchLauncher.isGuiInvocation(new String[]{"analyze", "x"}, SUBCOMMANDS));
        assertFalse(WorkbenchLauncher.isGuiInvocation(new String[]{"--help"}, SUBCOMMANDS));
        assertFalse(WorkbenchLauncher.isGuiInvocation(new String[]{"-V"}, SUBCOMMANDS));
        assertFalse(WorkbenchLauncher.isGuiInvocation(new String[]{"model.safetensors", "--json"}, SUBCOMMANDS));
    }

    @Test
    void withoutPathsTheBundledSampleOpensWhenPresent(@TempDir Path root) throws Exception {
        assertEquals(List.of(), WorkbenchLauncher.startPaths(new String[0], root));
        Path sample = Files.createDirectories(root.resolve(WorkbenchLauncher.SAMPLE));
        assertEquals(List.of(sample), WorkbenchLauncher.startPaths(new String[0], root));
        assertEquals(List.of(Path.of("a.safetensors")), WorkbenchLauncher.startPaths(new String[]{"a.safetensors"}, root));
    }
}
