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
        try {
            return MAPPER.readValue(json, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("not valid " + type.getSimpleName() + " JSON: " + e.getOriginalMessage(), e);
        }
    }
}
