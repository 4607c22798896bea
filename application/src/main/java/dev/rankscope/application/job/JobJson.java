package dev.rankscope.application.job;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.rankscope.analysis.allocation.StrategyParameters;
import dev.rankscope.analysis.allocation.StrategyRegistry;
import dev.rankscope.analysis.plan.PlanJson;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.analysis.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one Jackson configuration for job parameters, results and their JSON exports: records map
 * by their component names, non-finite doubles (NaN, ±∞) are written as {@code null} (JSON has no
 * such numbers), unknown properties are refused on reading ({@link Json}, shared with the plan
 * and analysis files). Thread-safe.
 */
public final class JobJson {
    private static final ObjectMapper MAPPER = Json.builder().addModule(strategies()).build();
    /** {@link #MAPPER} reading JSON {@code null} into a {@code double} as NaN: the inverse of the write rule. */
    private static final ObjectMapper RESULTS = Json.builder().addModule(strategies()).addModule(nullAsNaN()).build();

    private JobJson() {
    }

    /**
     * Strategies (an interface with one record per strategy) as plan files write them:
     * {@code {"name", "parameters"}} ({@link PlanJson.StrategyEntry}), read back through the
     * standard registry.
     */
    private static Module strategies() {
        SimpleModule module = new SimpleModule("rankscope-strategies");
        module.addSerializer(StrategyParameters.class, new JsonSerializer<>() {
            @Override
            public void serialize(StrategyParameters value, JsonGenerator g, SerializerProvider provider) throws IOException {
                provider.defaultSerializeValue(PlanJson.StrategyEntry.of(value), g);
            }
        });
        module.addDeserializer(StrategyParameters.class, new JsonDeserializer<>() {
            @Override
            public StrategyParameters deserialize(JsonParser p, DeserializationContext context) throws IOException {
                return context.readValue(p, PlanJson.StrategyEntry.class).toParameters(StrategyRegistry.standard());
            }
        });
        return module;
    }

    /** The shared mapper (thread-safe for reading and writing; do not reconfigure it). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@code value} as pretty-printed JSON. */
    public static String write(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads {@code json} as a {@code type}; malformed JSON or a failing validation throws IllegalArgumentException. */
    public static <T> T read(String json, Class<T> type) {
        return read(MAPPER, json, type);
    }

    /**
     * Reads a result {@link #write} wrote back as a {@code type}: a {@code null} where a
     * {@code double} belongs is NaN (what {@link #write} wrote it for), not 0. Malformed JSON or a
     * failing validation throws IllegalArgumentException.
     */
    public static <T> T readResult(String json, Class<T> type) {
        return read(RESULTS, json, type);
    }

    private static <T> T read(ObjectMapper mapper, String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("not valid " + type.getSimpleName() + " JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static com.fasterxml.jackson.databind.Module nullAsNaN() {
        com.fasterxml.jackson.databind.module.SimpleModule m = new com.fasterxml.jackson.databind.module.SimpleModule(
                "rankscope-null-as-nan");
        m.addDeserializer(Double.TYPE, new com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer<Double>(Double.TYPE) {
            @Override
            public Double deserialize(com.fasterxml.jackson.core.JsonParser p,
                                      com.fasterxml.jackson.databind.DeserializationContext ctxt) throws IOException {
                return _parseDoublePrimitive(p, ctxt);
            }

            @Override
            public Double getNullValue(com.fasterxml.jackson.databind.DeserializationContext ctxt) {
                return Double.NaN;
            }
        });
        return m;
    }
}
