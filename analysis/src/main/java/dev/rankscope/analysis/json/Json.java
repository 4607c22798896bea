package dev.rankscope.analysis.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;

/**
 * The one Jackson configuration of Rankscope's JSON documents (analysis, plans): records map to
 * objects in component order, output is pretty-printed with Jackson's default printer, unknown
 * fields are ignored on reading, and <b>NaN and ±∞ are written as {@code null}</b> (JSON has no
 * such numbers) — for {@code double}, {@code Double} and {@code double[]} alike, so no document
 * needs its own rule. Readers map {@code null} back to the value the document's format defines.
 * The mapper is thread-safe once built; do not reconfigure it.
 */
public final class Json {

    private static final ObjectMapper MAPPER = build();

    private Json() {
    }

    /** The shared mapper (thread-safe, do not reconfigure). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Writes a double, or {@code null} when it is NaN or ±∞. */
    public static void writeNumber(JsonGenerator g, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumber(v);
        } else {
            g.writeNull();
        }
    }

    private static ObjectMapper build() {
        SimpleModule nonFinite = new SimpleModule("rankscope-non-finite-as-null");
        JsonSerializer<Double> number = new JsonSerializer<>() {
            @Override
            public void serialize(Double value, JsonGenerator g, SerializerProvider provider) throws IOException {
                writeNumber(g, value);
            }
        };
        nonFinite.addSerializer(Double.class, number);
        nonFinite.addSerializer(Double.TYPE, number);
        nonFinite.addSerializer(double[].class, new JsonSerializer<>() {
            @Override
            public void serialize(double[] values, JsonGenerator g, SerializerProvider provider) throws IOException {
                g.writeStartArray(values, values.length);
                for (double v : values) {
                    writeNumber(g, v);
                }
                g.writeEndArray();
            }
        });
        ObjectMapper mapper = new ObjectMapper();
        mapper.registerModule(nonFinite);
        mapper.enable(SerializationFeature.INDENT_OUTPUT);
        mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        return mapper;
    }
}
