package dev.rankscope.tests.cli;

import dev.rankscope.app.cli.RankscopeCli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Runs the {@code rankscope} command line in-process and captures what a user would see.
 *
 * @param exitCode process exit code the CLI would return
 * @param out      standard output
 * @param err      standard error
 */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
            code = RankscopeCli.commandLine(o, e).execute(args);
        }
        return new CliRun(code, out.toString(), err.toString());
    }

    /** True when stderr shows no Java stack trace (the user must never see one). */
    public boolean noStackTrace() {
        return !err.contains("\tat ") && !err.contains("Exception in thread") && !err.matches("(?s).*\\bat dev\\.rankscope\\..*");
    }
}
