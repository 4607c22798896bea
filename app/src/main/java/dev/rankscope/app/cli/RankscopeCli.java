package dev.rankscope.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code rankscope} command line. Each subcommand is its own class; this class only wires
 * them and maps domain errors to exit code 2 with one clear line on stderr (no stack traces).
 */
@Command(name = "rankscope", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Look inside neural-network weights: singular spectra, rank metrics, intruder dimensions, rank budgets.",
        subcommands = {AnalyzeCommand.class, IntrudersCommand.class, PlanCommand.class, ReportCommand.class,
                CalibrateCommand.class, EvaluateCommand.class, CompensateCommand.class, SubspacesCommand.class,
                SweepCommand.class, BenchCommand.class, GenerateCommand.class, CommandLine.HelpCommand.class})
public final class RankscopeCli implements Runnable {

    /** Exit code for bad input (unreadable or malformed file, bad option values), or when no selected matrix could be analysed. */
    public static final int EXIT_BAD_INPUT = 2;

    /**
     * Exit code for a run that finished but could not analyse some matrices (each named once on
     * stderr with its reason; the outputs hold the others). Also an internal error's code.
     */
    public static final int EXIT_FAILED_MATRICES = 1;

    /** Exit code of a run ended by Ctrl-C (SIGINT, 128 + 2); SIGTERM ends with 143 (see {@code Interrupts}). */
    public static final int EXIT_INTERRUPTED = 130;

    /** {@code exitCodeList} entries of the commands that analyse matrices (see {@link MatrixFailures}). */
    static final String EXIT_HEADING = "%nExit codes:%n";
    static final String EXIT_0 = "0:every selected matrix was analysed and the outputs were written";
    static final String EXIT_1 = "1:finished, but some matrices failed: each is named once on stderr with its reason, "
            + "and the outputs hold the others (also: an internal error)";
    static final String EXIT_2 = "2:bad input or usage (one line on stderr naming the file or option), "
            + "or not one selected matrix could be analysed";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line with its error handling; used by {@code Main} and by tests. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new RankscopeCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new CliErrors());
        return cl;
    }

    public static int execute(String... args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        try {
            return commandLine(out, err).execute(args);
        } catch (OutOfMemoryError e) {
            err.println("rankscope: out of memory; raise the heap with RANKSCOPE_JAVA_OPTS=-Xmx8g or analyse fewer matrices (--filter)");
            return 1;
        } catch (Error e) {
            // picocli hands only Exceptions to CliErrors; keep the one-line promise for JVM errors too
            err.println("rankscope: internal error: " + e + " (set RANKSCOPE_DEBUG=1 for details)");
            if ("1".equals(System.getenv("RANKSCOPE_DEBUG"))) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }
}
