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
                BenchCommand.class, GenerateCommand.class, CommandLine.HelpCommand.class})
public final class RankscopeCli implements Runnable {

    /** Exit code for bad input (unreadable or malformed file, bad option values). */
    public static final int EXIT_BAD_INPUT = 2;

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
        return commandLine(out, err).execute(args);
    }
}
