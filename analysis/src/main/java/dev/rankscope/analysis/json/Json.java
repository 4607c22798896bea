package dev.rankscope.analysis.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;

/**
 * The one Jackson configuration Rankscope's JSON files and job parameters share: records map by
 * their component names, non-finite doubles (NaN, ±∞) are written as {@code null} (JSON has no
 * such numbers; SPEC §5), unknown properties are refused on reading, empty records write as
 * {@code {}}. Formats layer their own naming and strictness on a fresh {@link #mapper()}.
 * Thread-safe.
 */
public final class Json {
    private Json() {
    }

    /** Serializers that write NaN and ±∞ (double and Double) as JSON {@code null}. */
    public static Module nonFiniteAsNull() {
        SimpleModule module = new SimpleModule("rankscope-non-finite");
        JsonSerializer<Double> doubles = new JsonSerializer<>() {
            @Override
            public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
                if (v == null || !Double.isFinite(v)) {
                    g.writeNull();
                } else {
                    g.writeNumber(v);
                }
            }
        };
        module.addSerializer(Double.class, doubles);
        module.addSerializer(double.class, doubles);
        return module;
    }

    /**
     * A new mapper with {@link #nonFiniteAsNull()}, empty beans allowed and unknown properties
     * refused. Each call returns a fresh instance the caller may configure further before use.
     */
    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(nonFiniteAsNull())
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
