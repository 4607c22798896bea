package dev.rankscope.analysis.report;

import dev.rankscope.engine.RankscopeException;

/**
 * An analysis file cannot be read: not JSON, another format or version, or a field of the wrong
 * shape. The user message names the file and the problem.
 */
public class AnalysisFormatException extends RankscopeException {
    public AnalysisFormatException(String file, String problem) {
        super(file + ": " + problem);
    }

    public AnalysisFormatException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, file + ": " + problem, cause);
    }
}
