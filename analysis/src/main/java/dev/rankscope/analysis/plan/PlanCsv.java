package dev.rankscope.analysis.plan;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.engine.io.AtomicFileWriter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Plan CSV (SPEC §5): a header and one row per matrix, written by Jackson's CSV databind from the
 * {@link Row} record. The first nine columns are SPEC's {@code name, shape, dtype, rank, dense,
 * params_before, params_after, retained_energy, rel_error}, then {@code module, layer,
 * module_type, eligible, bytes_before, bytes_after, label}. Shape is {@code m x n} written
 * {@code 4096x11008}; numbers as {@link Double#toString} (locale independent, exact round trip);
 * a field is quoted per RFC 4180 only when it holds a comma, a quote or a line break. Stateless.
 */
public final class PlanCsv {
    /** Column names in order. */
    public static final List<String> COLUMNS = List.of("name", "shape", "dtype", "rank", "dense", "params_before",
            "params_after", "retained_energy", "rel_error", "module", "layer", "module_type", "eligible",
            "bytes_before", "bytes_after", "label");

    /** One CSV row; the label is empty when the strategy does not label matrices. */
    @JsonPropertyOrder({"name", "shape", "dtype", "rank", "dense", "params_before", "params_after", "retained_energy",
            "rel_error", "module", "layer", "module_type", "eligible", "bytes_before", "bytes_after", "label"})
    record Row(String name, String shape, String dtype, int rank, boolean dense, long paramsBefore, long paramsAfter,
               double retainedEnergy, double relError, String module, int layer, String moduleType, boolean eligible,
               long bytesBefore, long bytesAfter, String label) {
        static Row of(PlannedMatrix m) {
            return new Row(m.id(), m.rows() + "x" + m.cols(), m.dtype().name(), m.rank(), m.dense(), m.paramsBefore(),
                    m.paramsAfter(), m.retainedEnergy(), m.relativeError(), m.moduleName(), m.layer(),
                    m.module().label(), m.eligible(), m.bytesBefore(), m.bytesAfter(), m.label().id());
        }
    }

    private static final CsvMapper MAPPER = CsvMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
            .build();
    private static final ObjectWriter WRITER = MAPPER.writer(MAPPER.schemaFor(Row.class).withHeader()
            .withLineSeparator("\n"));

    private PlanCsv() {
    }

    /** The CSV text, lines ending in {@code \n}. */
    public static String toCsv(Plan plan) {
        try {
            return WRITER.writeValueAsString(plan.matrices().stream().map(Row::of).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plan CSV could not be written", e);
        }
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
