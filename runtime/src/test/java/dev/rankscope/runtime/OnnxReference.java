package dev.rankscope.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.util.HashMap;
import java.util.Map;

/**
 * ONNX Runtime as the independent reference for encoder tests (shared through the runtime
 * test-jar): the last hidden state of one sentence's token ids through a BERT-style ONNX graph
 * (inputs {@code input_ids}, {@code attention_mask}, {@code token_type_ids}, all ones / zeros),
 * and the sentence-transformers mean pooling with L2 normalisation, in float64.
 */
public final class OnnxReference {
    private OnnxReference() {
    }

    /** The graph's first output for one sentence (tokens × hidden). */
    public static FloatMatrix lastHidden(OrtEnvironment env, OrtSession session, int[] ids) throws OrtException {
        int t = ids.length;
        long[][] inputIds = new long[1][t];
        long[][] mask = new long[1][t];
        long[][] types = new long[1][t];
        for (int j = 0; j < t; j++) {
            inputIds[0][j] = ids[j];
            mask[0][j] = 1;
        }
        Map<String, long[][]> available = Map.of("input_ids", inputIds, "attention_mask", mask, "token_type_ids", types);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            for (String name : session.getInputNames()) {
                inputs.put(name, OnnxTensor.createTensor(env, available.get(name)));
            }
            try (OrtSession.Result r = session.run(inputs)) {
                float[][][] out = (float[][][]) r.get(0).getValue();
                FloatMatrix m = FloatMatrix.zeros(t, out[0][0].length);
                for (int j = 0; j < t; j++) {
                    System.arraycopy(out[0][j], 0, m.data(), j * m.cols(), m.cols());
                }
                return m;
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** Mean over the tokens, then L2-normalised (sentence-transformers Pooling mean + Normalize). */
    public static float[] meanNormalize(FloatMatrix h) {
        double[] acc = new double[h.cols()];
        for (int i = 0; i < h.rows(); i++) {
            for (int j = 0; j < h.cols(); j++) {
                acc[j] += h.get(i, j) / h.rows();
            }
        }
        double n = Math.sqrt(java.util.Arrays.stream(acc).map(v -> v * v).sum());
        float[] out = new float[acc.length];
        for (int j = 0; j < acc.length; j++) {
            out[j] = (float) (acc[j] / n);
        }
        return out;
    }

    /** cos(a, b) in float64. */
    public static double cosine(float[] a, float[] b) {
        return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
