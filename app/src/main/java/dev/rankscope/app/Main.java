package dev.rankscope.app;

import dev.rankscope.app.cli.RankscopeCli;

/**
 * Entry point. With a subcommand ({@code analyze}, {@code bench}, …) runs the CLI headless;
 * otherwise opens the workbench. This class does not extend {@code Application} so JavaFX
 * starts from a plain classpath.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(RankscopeCli.execute(args));
    }
}
