package dev.rankscope.analysis.plan;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.engine.io.AtomicFileWriter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Plan CSV (SPEC §5): a header and one row per matrix. The first nine columns are SPEC's
 * {@code name, shape, dtype, rank, dense, params_before, params_after, retained_energy,
 * rel_error}, then {@code module, layer, module_type, eligible, bytes_before, bytes_after, label}.
 * Shape is {@code m x n} written {@code 4096x11008}; numbers use {@link Double#toString} (locale
 * independent, exact round trip); fields are quoted per RFC 4180 when needed. Stateless.
 */
public final class PlanCsv {
    /** Column names in order. */
    public static final List<String> COLUMNS = List.of("name", "shape", "dtype", "rank", "dense", "params_before",
            "params_after", "retained_energy", "rel_error", "module", "layer", "module_type", "eligible",
            "bytes_before", "bytes_after", "label");

    private PlanCsv() {
    }

    /** The CSV text, lines ending in {@code \n}. */
    public static String toCsv(Plan plan) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.join(",", COLUMNS)).append('\n');
        for (PlannedMatrix m : plan.matrices()) {
            List<String> f = new ArrayList<>(COLUMNS.size());
            f.add(m.id());
            f.add(m.rows() + "x" + m.cols());
            f.add(m.dtype().name());
            f.add(Integer.toString(m.rank()));
            f.add(Boolean.toString(m.dense()));
            f.add(Long.toString(m.paramsBefore()));
            f.add(Long.toString(m.paramsAfter()));
            f.add(Double.toString(m.retainedEnergy()));
            f.add(Double.toString(m.relativeError()));
            f.add(m.moduleName());
            f.add(Integer.toString(m.layer()));
            f.add(m.module().label());
            f.add(Boolean.toString(m.eligible()));
            f.add(Long.toString(m.bytesBefore()));
            f.add(Long.toString(m.bytesAfter()));
            f.add(m.label().id());
            for (int i = 0; i < f.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(quote(f.get(i)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /**
     * Writes the CSV atomically through {@code files}; refuses to write over the plan's source or
     * any input {@code files} protects.
     *
     * @throws dev.rankscope.engine.io.CheckpointWriteException REFUSED or IO
     */
    public static void write(Plan plan, Path target, AtomicFileWriter files) {
        ExportFiles.protecting(files, plan).writeBytes(target, toCsv(plan).getBytes(StandardCharsets.UTF_8));
    }
}
