package dev.rankscope.analysis.plan;

import java.nio.file.Path;
import java.util.List;

/**
 * What the factorised export wrote and how its re-read verification went (SPEC §5).
 *
 * @param output        the written safetensors file
 * @param tensorCount   tensors in the output
 * @param factorChecks  one per factorised matrix, in checkpoint order
 * @param copyMismatches names of dense tensors whose re-read values differ from the source (empty when exact)
 */
public record FactorisedExportResult(Path output, int tensorCount, List<FactorCheck> factorChecks,
                                     List<String> copyMismatches) {
    public FactorisedExportResult {
        factorChecks = List.copyOf(factorChecks);
        copyMismatches = List.copyOf(copyMismatches);
    }

    /**
     * Verification of one factorised matrix.
     *
     * @param matrix                the original tensor name
     * @param rank                  k
     * @param planRelativeError     the plan's rel_error sqrt(E(k)/Σσ²)
     * @param measuredRelativeError ‖W − U·V‖_F/‖W‖_F from the re-read factors (0 when W = 0)
     * @param withinTolerance       |measured − plan| ≤ tolerance
     */
    public record FactorCheck(String matrix, int rank, double planRelativeError, double measuredRelativeError,
                              boolean withinTolerance) {
        public double difference() {
            return Math.abs(measuredRelativeError - planRelativeError);
        }
    }

    /** True when every factor check passed and every dense tensor was copied exactly. */
    public boolean verified() {
        return copyMismatches.isEmpty() && factorChecks.stream().allMatch(FactorCheck::withinTolerance);
    }
}
