package dev.rankscope.views.compare;

import dev.rankscope.analysis.intruders.IntruderMatrixResult;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.views.service.Theme;
import dev.rankscope.views.spectrum.ChartPane;
import dev.rankscope.views.spectrum.DecadeLogAxis;
import dev.rankscope.views.spectrum.ChartTheme;
import dev.rankscope.views.charts.PictureExporter;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.scene.control.SplitPane;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.util.Locale;

/**
 * For the selected matrix: the base and tuned spectra σᵢ(W₀), σᵢ(W_t) overlaid (log y, intruders
 * of W_t at the current (k, ε) marked red), and the spectrum of the update ΔW = W_t − W₀ with its
 * effective rank and stable rank (SPEC §1) — how low-rank the fine-tune really is. Values ≤ 0
 * cannot sit on a log axis and are left out. FX thread only.
 */
final class PairSpectraView extends SplitPane {
    /** Singular values below this fraction of σ₁ are dropped from ΔW's log plot (rounding noise). */
    private static final double DELTA_FLOOR = 1e-12;

    private final CompareViewModel vm;
    private final ChartPane spectra;
    private final ChartPane delta;
    private Theme theme;

    PairSpectraView(CompareViewModel vm, WorkbenchViewModel workbench) {
        this.vm = vm;
        setId("compare-spectra");
        PictureExporter exporter = vm.pictureExporter();
        XYLineAndShapeRenderer pair = new XYLineAndShapeRenderer(true, false);
        pair.setSeriesPaint(0, CompareCharts.BASE);
        pair.setSeriesPaint(1, CompareCharts.TUNED);
        pair.setSeriesStroke(0, CompareCharts.THIN);
        pair.setSeriesStroke(1, CompareCharts.THIN);
        pair.setSeriesPaint(2, CompareCharts.EPSILON);
        pair.setSeriesLinesVisible(2, false);
        pair.setSeriesShapesVisible(2, true);
        pair.setSeriesShape(2, new Ellipse2D.Double(-4, -4, 8, 8));
        XYPlot pairPlot = new XYPlot(new XYSeriesCollection(), index(), log("singular value σ"), pair);
        spectra = new ChartPane("compare-spectra-chart", "Spectra: base vs tuned", CompareCharts.chart(pairPlot, true),
                "base-vs-tuned-spectra", exporter);
        XYLineAndShapeRenderer d = new XYLineAndShapeRenderer(true, true);
        d.setSeriesPaint(0, CompareCharts.DELTA);
        d.setSeriesStroke(0, CompareCharts.THIN);
        d.setSeriesShape(0, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
        XYPlot deltaPlot = new XYPlot(new XYSeriesCollection(), index(), log("σ(ΔW)"), d);
        delta = new ChartPane("compare-delta-chart", "Update ΔW = W_t − W₀", CompareCharts.chart(deltaPlot, false),
                "delta-spectrum", exporter);
        for (ChartPane c : new ChartPane[] {spectra, delta}) {
            c.setReadoutFormats(v -> String.format(Locale.ROOT, "%.0f", v), v -> String.format(Locale.ROOT, "%.4g", v));
        }
        getItems().addAll(spectra, delta);
        theme = workbench.themeProperty().get();
        workbench.themeProperty().addListener((o, a, b) -> {
            theme = b;
            redraw();
        });
        vm.results().selectedProperty().addListener((o, a, b) -> redraw());
        vm.results().parametersProperty().addListener((o, a, b) -> redraw());
        redraw();
    }

    private static NumberAxis index() {
        NumberAxis a = new NumberAxis("index i");
        a.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return a;
    }

    private static LogAxis log(String label) {
        LogAxis a = new DecadeLogAxis(label);
        a.setSmallestValue(1e-300);
        a.setAutoRangeMinimumSize(1e-300);
        return a;
    }

    private void redraw() {
        IntruderMatrixResult r = vm.results().selectedProperty().get();
        IntruderParameters p = vm.results().getParameters();
        XYSeriesCollection pair = new XYSeriesCollection();
        XYSeriesCollection upd = new XYSeriesCollection();
        String deltaTitle = null;
        if (r != null) {
            XYSeries base = positive("base σ(W₀)", r.sigmaBase(), 0);
            XYSeries tuned = positive("tuned σ(W_t)", r.sigmaTuned(), 0);
            XYSeries marks = new XYSeries("intruders");
            double[] st = r.sigmaTuned();
            for (int rank : r.intruders(p).ranks()) {
                if (st[rank - 1] > 0) {
                    marks.add(rank, st[rank - 1]);
                }
            }
            pair.addSeries(base);
            pair.addSeries(tuned);
            pair.addSeries(marks);
            double[] ds = r.deltaSigma();
            double floor = ds.length == 0 ? 0 : ds[0] * DELTA_FLOOR;
            upd.addSeries(positive("σ(ΔW)", ds, floor));
            deltaTitle = r.identical() ? "ΔW = 0 (identical weights)"
                    : String.format(Locale.ROOT, "effective rank %.2f · stable rank %.3f · spectral distance %.4f",
                    r.deltaEffectiveRank(), r.deltaStableRank(), r.spectralDistance());
        }
        spectra.chart().getXYPlot().setDataset(pair);
        delta.chart().getXYPlot().setDataset(upd);
        delta.chart().setTitle(deltaTitle == null ? null : new TextTitle(deltaTitle, new Font(Font.SANS_SERIF, Font.PLAIN, 11)));
        ChartTheme.apply(spectra.chart(), theme);
        ChartTheme.apply(delta.chart(), theme);
        if (delta.chart().getTitle() != null) {
            delta.chart().getTitle().setPaint(theme == Theme.DARK ? new Color(0xdf, 0xe1, 0xe5) : Color.DARK_GRAY);
        }
    }

    private static XYSeries positive(String name, double[] sigma, double floor) {
        XYSeries s = new XYSeries(name, false, true);
        for (int i = 0; i < sigma.length; i++) {
            if (sigma[i] > floor && sigma[i] > 0) {
                s.add(i + 1, sigma[i], false);
            }
        }
        return s;
    }

    ChartPane spectraPane() {
        return spectra;
    }

    ChartPane deltaPane() {
        return delta;
    }
}
