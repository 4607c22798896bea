package dev.rankscope.analysis.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;

/**
 * The one Jackson configuration of Rankscope's JSON documents (analysis, plans, job parameters
 * and results): records map to objects in component order and <b>NaN and ±∞ are written as
 * {@code null}</b> (JSON has no such numbers) — for {@code double}, {@code Double} and
 * {@code double[]} alike, so no document needs its own rule ({@link #nonFiniteAsNull()}).
 * {@link #mapper()} is the shared lenient, pretty-printing mapper of the analysis JSON;
 * {@link #builder()} starts a strict one (unknown properties refused) for a format to add its own
 * naming to (plan JSON, job parameters). Readers map {@code null} back to the value their format
 * defines. Thread-safe once built; do not reconfigure a built mapper.
 */
public final class Json {

    private static final ObjectMapper MAPPER = builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {
    }

    /** The shared mapper: pretty-printed, unknown fields ignored on reading (thread-safe, do not reconfigure). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * A builder with {@link #nonFiniteAsNull()}, empty beans allowed and unknown properties
     * refused, for a format to add its own naming and strictness to.
     */
    public static JsonMapper.Builder builder() {
        return JsonMapper.builder()
                .addModule(nonFiniteAsNull())
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** Writes a double, or {@code null} when it is NaN or ±∞. */
    public static void writeNumber(JsonGenerator g, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumber(v);
        } else {
            g.writeNull();
        }
    }

    /** Serializers that write NaN and ±∞ ({@code double}, {@code Double}, {@code double[]}) as JSON {@code null}. */
    public static Module nonFiniteAsNull() {
        SimpleModule module = new SimpleModule("rankscope-non-finite-as-null");
        JsonSerializer<Double> number = new JsonSerializer<>() {
            @Override
            public void serialize(Double value, JsonGenerator g, SerializerProvider provider) throws IOException {
                if (value == null) {
                    g.writeNull();
                } else {
                    writeNumber(g, value);
                }
            }
        };
        module.addSerializer(Double.class, number);
        module.addSerializer(Double.TYPE, number);
        module.addSerializer(double[].class, new JsonSerializer<>() {
            @Override
            public void serialize(double[] values, JsonGenerator g, SerializerProvider provider) throws IOException {
                g.writeStartArray(values, values.length);
                for (double v : values) {
                    writeNumber(g, v);
                }
                g.writeEndArray();
            }
        });
        return module;
    }
}
