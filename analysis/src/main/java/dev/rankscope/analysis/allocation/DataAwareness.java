package dev.rankscope.analysis.allocation;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What made a plan data-aware (SPEC §4/§8), written into the plan JSON as {@code "data_aware"} so
 * that whoever builds the compressed model (the factorised export, {@code rankscope evaluate})
 * rebuilds exactly the same input transforms S and hence the same {@code (W·S)_k·S⁻¹}.
 *
 * @param method            the transform: {@code svd-llm} (whitening), {@code asvd} or {@code fisher}
 * @param parameters        the requested method parameters (exponent, damping)
 * @param statisticsPath    the statistics file as the user gave it
 * @param statisticsSha256  hex SHA-256 of the whole statistics file (identifies the calibration)
 * @param modules           per matrix id: how its S was made; only matrices that had statistics
 */
public record DataAwareness(String method, DataAwareParameters parameters, String statisticsPath,
                            String statisticsSha256, Map<String, ModuleTransform> modules) {

    /**
     * How one matrix's S was made.
     *
     * @param factorisation "cholesky" (whitening) or "diagonal"
     * @param damping       the relative ridge actually used (see {@link DataAwareSpectra#whiten})
     * @param raised        whether it had to be raised above the requested damping
     */
    public record ModuleTransform(String factorisation, double damping, boolean raised) {
        public ModuleTransform {
            Objects.requireNonNull(factorisation, "factorisation");
        }

        /** The record of {@code t}. */
        public static ModuleTransform of(DataAwareSpectra.Transform t) {
            return new ModuleTransform(t.factorisation(), t.damping(), t.raised());
        }
    }

    public DataAwareness {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(statisticsPath, "statisticsPath");
        Objects.requireNonNull(statisticsSha256, "statisticsSha256");
        modules = java.util.Collections.unmodifiableMap(new TreeMap<>(modules));
    }

    /** The CLI/JSON name of a method. */
    public static String methodName(DataAwareParameters.Method m) {
        return switch (m) {
            case SVD_LLM_WHITENING -> "svd-llm";
            case ASVD_SCALING -> "asvd";
            case FISHER_WEIGHTING -> "fisher";
        };
    }

    /** The method for a CLI/JSON name ({@code svd-llm}/{@code whitening}, {@code asvd}, {@code fisher}/{@code fwsvd}). */
    public static DataAwareParameters.Method method(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "svd-llm", "whitening" -> DataAwareParameters.Method.SVD_LLM_WHITENING;
            case "asvd" -> DataAwareParameters.Method.ASVD_SCALING;
            case "fisher", "fwsvd" -> DataAwareParameters.Method.FISHER_WEIGHTING;
            default -> throw new IllegalArgumentException("the data-aware method must be svd-llm, asvd or fisher, not '"
                    + name + "'");
        };
    }

    /**
     * One sentence for the plan's notes: which factorisation and damping were used, and where the
     * damping had to be raised (SVD-LLM's "not positive definite" handled by damping).
     */
    public String describe() {
        long raisedCount = modules.values().stream().filter(ModuleTransform::raised).count();
        StringBuilder b = new StringBuilder();
        b.append("data-aware (").append(method).append(") on ").append(modules.size()).append(" matrices from ")
                .append(java.nio.file.Path.of(statisticsPath).getFileName());
        if (method.equals("svd-llm")) {
            b.append(": whitening S = chol(XᵀX + δ·mean(diag)·I), δ = ").append(parameters.damping());
            if (raisedCount > 0) {
                double max = modules.values().stream().mapToDouble(ModuleTransform::damping).max().orElse(0);
                b.append("; δ raised (up to ").append(max).append(") for ").append(raisedCount)
                        .append(" singular Gram matrices");
            }
        }
        return b.toString();
    }
}
