package dev.rankscope.analysis.json;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The shared mapper's one rule: NaN and ±∞ become null, in every numeric shape; records keep component order. */
class JsonTest {

    record Numbers(double plain, Double boxed, double[] array, String text) {
    }

    @Test
    void nonFiniteNumbersAreWrittenAsNull() throws Exception {
        String json = Json.mapper().writer().withoutFeatures(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(new Numbers(Double.NaN, Double.POSITIVE_INFINITY,
                        new double[]{1.5, Double.NEGATIVE_INFINITY, Double.NaN}, "x"));
        assertEquals("{\"plain\":null,\"boxed\":null,\"array\":[1.5,null,null],\"text\":\"x\"}", json);
        String finite = Json.mapper().writer().withoutFeatures(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(new Numbers(0.1, 2.0, new double[0], null));
        assertEquals("{\"plain\":0.1,\"boxed\":2.0,\"array\":[],\"text\":null}", finite);
        Numbers back = Json.mapper().readValue("{\"plain\":3,\"boxed\":null,\"array\":[1],\"extra\":1}", Numbers.class);
        assertEquals(3.0, back.plain());
        assertEquals(null, back.boxed());
    }
}
