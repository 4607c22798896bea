package dev.rankscope.views.learn;

import dev.rankscope.views.fx.SideOrBelow;
import dev.rankscope.analysis.metrics.RankMetrics;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Slider;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Learn ▸ Effective rank explained (Roy &amp; Vetterli 2007, SPEC §1): a row of vertical sliders is the
 * editable bar chart of σ₁…σ₁₆ (drag a bar's top); every rank measure is shown as a bar out of p so the
 * differences between them are visible at a glance. FX thread only.
 */
public final class EffectiveRankView extends BorderPane {
    /** Largest σ a bar can be dragged to. */
    public static final double SIGMA_MAX = 10.0;

    private final EffectiveRankViewModel vm;
    private final Slider[] bars = new Slider[EffectiveRankViewModel.SIZE];
    private final GridPane measures = new GridPane();
    private boolean updating;

    public EffectiveRankView(EffectiveRankViewModel vm, Consumer<String> openUrl) {
        this.vm = vm;
        setId("learn-effective-rank");
        setTop(LearnPanels.header("learn-erank", "Effective rank explained",
                "“Rank” counts non-zero singular values, which says nothing about how the energy is spread. The "
                        + "effective rank turns the normalised spectrum into a probability distribution and counts how "
                        + "many directions its entropy is worth; the stable rank asks how many copies of the largest "
                        + "direction the total energy buys; r(τ) counts directions needed to keep τ of the energy. "
                        + "Drag the bars: a flat spectrum scores p everywhere, one spike collapses the stable rank first.",
                "q_{i} = σ_{i} / Σ_{j} σ_{j},   erank = exp(−Σ_{i} q_{i} ln q_{i}),   "
                        + "stable rank = Σ_{i} σ_{i}^{2} / σ_{1}^{2},   r(τ) = min{k : Σ_{i≤k} σ_{i}^{2} ≥ τ Σ_{i} σ_{i}^{2}}",
                Citation.ROY_VETTERLI, openUrl));

        ComboBox<EffectiveRankViewModel.Preset> preset = new ComboBox<>();
        preset.setId("learn-erank-preset");
        preset.getItems().addAll(EffectiveRankViewModel.Preset.values());
        preset.valueProperty().bindBidirectional(vm.presetProperty());
        Label start = new Label("Start from");
        start.setMinWidth(Region.USE_PREF_SIZE);
        preset.setMinWidth(130);
        HBox top = new HBox(8, start, preset);
        top.setAlignment(Pos.CENTER_LEFT);
        Label hint = new Label("then drag the bars (each σ from 0 to " + (int) SIGMA_MAX
                + "); the measures use the values sorted descending, as an SVD returns them.");
        hint.setWrapText(true);
        hint.setMaxWidth(560);

        HBox barRow = new HBox(6);
        barRow.setId("learn-erank-bars");
        barRow.setAlignment(Pos.BOTTOM_LEFT);
        for (int i = 0; i < bars.length; i++) {
            Slider s = new Slider(0, SIGMA_MAX, 1);
            s.setOrientation(Orientation.VERTICAL);
            s.setId("learn-erank-bar-" + i);
            s.setPrefHeight(260);
            s.getStyleClass().add("learn-bar");
            int index = i;
            s.valueProperty().addListener((obs, o, n) -> {
                if (!updating) {
                    vm.setSigma(index, n.doubleValue());
                }
            });
            Label l = new Label("σ" + subscript(i + 1));
            VBox col = new VBox(2, s, l);
            col.setAlignment(Pos.BOTTOM_CENTER);
            bars[i] = s;
            barRow.getChildren().add(col);
        }
        measures.setId("learn-erank-measures");
        measures.setHgap(10);
        measures.setVgap(6);
        hint.setMinWidth(0);
        VBox left = new VBox(8, top, hint, barRow);
        left.setMinWidth(Region.USE_PREF_SIZE);
        left.setPrefWidth(barRow.prefWidth(-1));
        // the measures beside the bars in a wide window, under them in a narrow one (the tab scrolled sideways)
        SideOrBelow body = new SideOrBelow(left, measures, measures, 380);
        body.setPadding(new Insets(8));
        setCenter(body);
        // Bar tops follow the ViewModel (presets) without feeding back.
        vm.sigmaProperty().addListener((obs, o, n) -> syncBars(n));
        vm.metricsProperty().addListener((obs, o, n) -> showMeasures(n));
        syncBars(vm.sigmaProperty().get());
        showMeasures(vm.metricsProperty().get());
    }

    private void syncBars(double[] sigma) {
        updating = true;
        try {
            for (int i = 0; i < bars.length; i++) {
                bars[i].setValue(Math.min(SIGMA_MAX, sigma[i]));
            }
        } finally {
            updating = false;
        }
    }

    private void showMeasures(RankMetrics r) {
        measures.getChildren().clear();
        double p = EffectiveRankViewModel.SIZE;
        row(0, "entropy effective rank (Roy & Vetterli)", r.effectiveRank(), p, "%.3f");
        row(1, "energy effective rank (σ² entropy)", r.energyEffectiveRank(), p, "%.3f");
        row(2, "stable rank Σσ²/σ₁²", r.stableRank(), p, "%.3f");
        row(3, "numerical rank #{σ > tol}", r.numericalRank(), p, "%.0f");
        row(4, "r(0.90)", r.rankAt90(), p, "%.0f");
        row(5, "r(0.95)", r.rankAt95(), p, "%.0f");
        row(6, "r(0.99)", r.rankAt99(), p, "%.0f");
    }

    private void row(int i, String name, double value, double p, String format) {
        Label n = new Label(name);
        n.setMinWidth(Region.USE_PREF_SIZE);
        ProgressBar bar = new ProgressBar(value / p);
        bar.setPrefWidth(170);
        Label v = new Label(String.format(Locale.ROOT, format, value) + " of " + (int) p);
        v.setId("learn-erank-value-" + i);
        v.setStyle("-fx-font-family: monospace;");
        v.setMinWidth(Region.USE_PREF_SIZE);
        measures.addRow(i, n, bar, v);
    }

    private static String subscript(int n) {
        StringBuilder b = new StringBuilder();
        for (char c : Integer.toString(n).toCharArray()) {
            b.append((char) ('₀' + (c - '0')));
        }
        return b.toString();
    }

    /** The editable bars (tests drag them). */
    public Slider bar(int i) {
        return bars[i];
    }
}
