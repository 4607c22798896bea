package dev.rankscope.app.cli;

import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.task.AbstractTask;
import picocli.CommandLine;

/**
 * The CLI's task boundary: domain errors become one line on stderr and exit code 2; anything
 * unexpected becomes one line naming the error (details only with {@code RANKSCOPE_DEBUG=1}).
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        if (ex instanceof AbstractTask.CancelledException) {
            cl.getErr().println("rankscope: interrupted");
            return RankscopeCli.EXIT_INTERRUPTED;
        }
        if (ex instanceof RankscopeException re) {
            cl.getErr().println("rankscope: " + re.userMessage());
            debug(ex, cl);
            return RankscopeCli.EXIT_BAD_INPUT;
        }
        if (ex instanceof java.io.UncheckedIOException || ex instanceof java.io.IOException) {
            cl.getErr().println("rankscope: " + ex.getMessage());
            debug(ex, cl);
            return RankscopeCli.EXIT_BAD_INPUT;
        }
        cl.getErr().println("rankscope: internal error: " + ex + " (set RANKSCOPE_DEBUG=1 for details)");
        debug(ex, cl);
        return 1;
    }

    private static void debug(Exception ex, CommandLine cl) {
        if ("1".equals(System.getenv("RANKSCOPE_DEBUG"))) {
            ex.printStackTrace(cl.getErr());
        }
    }
}
