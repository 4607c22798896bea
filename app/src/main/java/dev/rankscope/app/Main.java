package dev.rankscope.app;

import dev.rankscope.app.cli.RankscopeCli;
import dev.rankscope.app.gui.WorkbenchLauncher;

/**
 * Entry point. With a subcommand ({@code analyze}, {@code bench}, …) runs the CLI headless;
 * otherwise opens the workbench. This class does not extend {@code Application} so JavaFX
 * starts from a plain classpath.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Interrupts.install();
        var subcommands = RankscopeCli.commandLine(new java.io.PrintWriter(System.out, true),
                new java.io.PrintWriter(System.err, true)).getSubcommands().keySet();
        if (WorkbenchLauncher.isGuiInvocation(args, subcommands)) {
            WorkbenchLauncher.launch(args);
            return;
        }
        int code = RankscopeCli.execute(args);
        Interrupts.holdIfInterrupted();
        System.exit(code);
    }
}
