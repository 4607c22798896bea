package dev.rankscope.views.learn;

import dev.rankscope.analysis.metrics.RankMeasures;
import dev.rankscope.analysis.metrics.RankMetrics;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;

import java.util.Arrays;

/**
 * Learn ▸ Effective rank explained: a small hand-editable spectrum σ₁…σ_p (p = {@link #SIZE}) and
 * its rank measures (SPEC §1, Roy &amp; Vetterli 2007) recomputed on every edit. Measures are computed
 * on the values sorted descending (as an SVD would return them), for a p×p matrix.
 *
 * <p>Threading: FX thread only; the computation is O(p log p) and runs inline.
 */
public final class EffectiveRankViewModel {
    /** Number of editable singular values. */
    public static final int SIZE = 16;

    /** The hand-made starting spectra. */
    public enum Preset {
        FLAT("Flat"), POWER_LAW("Power law"), ONE_SPIKE("One spike");

        private final String label;

        Preset(String label) {
            this.label = label;
        }

        /** σ_i for this preset (descending, positive). */
        public double[] sigma() {
            double[] s = new double[SIZE];
            for (int i = 0; i < SIZE; i++) {
                s[i] = switch (this) {
                    case FLAT -> 5.0;
                    case POWER_LAW -> 8.0 / (i + 1);
                    case ONE_SPIKE -> i == 0 ? 9.0 : 1.0;
                };
            }
            return s;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final ObjectProperty<Preset> preset = new SimpleObjectProperty<>(Preset.POWER_LAW);
    private final ReadOnlyObjectWrapper<double[]> sigma = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<RankMetrics> metrics = new ReadOnlyObjectWrapper<>();

    public EffectiveRankViewModel() {
        preset.addListener((obs, o, n) -> apply(n.sigma()));
        apply(preset.get().sigma());
    }

    /** Sets σ_i (0-based) to {@code value} ≥ 0 and recomputes. */
    public void setSigma(int i, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("σ must be finite and ≥ 0, got " + value);
        }
        double[] s = sigma.get().clone();
        s[i] = value;
        apply(s);
    }

    /** Replaces the whole spectrum (length {@link #SIZE}). */
    public void setAll(double[] values) {
        if (values.length != SIZE) {
            throw new IllegalArgumentException("expected " + SIZE + " values, got " + values.length);
        }
        apply(values.clone());
    }

    private void apply(double[] s) {
        double[] sorted = s.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length / 2; i++) {
            double t = sorted[i];
            sorted[i] = sorted[sorted.length - 1 - i];
            sorted[sorted.length - 1 - i] = t;
        }
        sigma.set(s);
        metrics.set(RankMeasures.compute(sorted, SIZE, SIZE));
    }

    public ObjectProperty<Preset> presetProperty() {
        return preset;
    }

    /** The edited values in bar order (a fresh array each edit; do not mutate). */
    public ReadOnlyObjectProperty<double[]> sigmaProperty() {
        return sigma.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<RankMetrics> metricsProperty() {
        return metrics.getReadOnlyProperty();
    }
}
