package dev.rankscope.app.cli;

import picocli.CommandLine.Option;

/**
 * Options shared by the commands that compare a base model with another side matrix by matrix
 * ({@code intruders}, {@code compensate}): the SVD engine and which paired matrices are looked at.
 * The job's parameters record validates both (an unknown engine or a bad regular expression is a
 * usage error, exit 2).
 */
final class PairedMatrixOptions {
    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "auto",
            description = "SVD engine: native, java or auto (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--include", paramLabel = "REGEX",
            description = "Only matrices whose name contains a match of this regular expression (e.g. 'self_attn' or "
                    + "'layers\\.[0-3]\\.').")
    String include;
}
