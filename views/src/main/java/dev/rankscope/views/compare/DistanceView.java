package dev.rankscope.views.compare;

import dev.rankscope.analysis.intruders.IntruderReport;
import dev.rankscope.views.service.Theme;
import dev.rankscope.views.spectrum.ChartPane;
import dev.rankscope.views.spectrum.ChartTheme;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.scene.layout.BorderPane;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Normalised spectral distance {@code ‖σ_t − σ₀‖₂ / ‖σ₀‖₂} per layer (mean over the layer's
 * compared matrices, {@link IntruderReport#spectralDistanceByLayer()}): how far each layer's
 * spectrum moved, blind to rotation — the counterpart of the intruder bars. Independent of (k, ε).
 * FX thread only.
 */
final class DistanceView extends BorderPane {
    private final ChartPane pane;
    private final XYPlot plot;
    private Theme theme;

    DistanceView(CompareViewModel vm, WorkbenchViewModel workbench) {
        setId("compare-distance");
        XYBarRenderer bars = new XYBarRenderer(0.3);
        bars.setBarPainter(new StandardXYBarPainter());
        bars.setShadowVisible(false);
        bars.setSeriesPaint(0, CompareCharts.TUNED);
        plot = new XYPlot(new XYSeriesCollection(), new SymbolAxis("layer", new String[0]),
                new NumberAxis("‖σ tuned − σ base‖ / ‖σ base‖"), bars);
        pane = new ChartPane("compare-distance-chart", "Normalised spectral distance per layer",
                CompareCharts.chart(plot, false), "spectral-distance", vm.pictureExporter());
        pane.setReadoutFormats(v -> String.format(Locale.ROOT, "%.0f", v), v -> String.format(Locale.ROOT, "%.4g", v));
        setCenter(pane);
        theme = workbench.themeProperty().get();
        workbench.themeProperty().addListener((o, a, b) -> {
            theme = b;
            ChartTheme.apply(pane.chart(), b);
        });
        vm.results().reportProperty().addListener((o, a, b) -> show(b));
        show(vm.results().getReport());
    }

    private void show(IntruderReport report) {
        XYSeries s = new XYSeries("mean distance");
        List<String> labels = new ArrayList<>();
        if (report != null) {
            for (Map.Entry<Integer, Double> e : report.spectralDistanceByLayer().entrySet()) {
                s.add(labels.size(), e.getValue());
                labels.add(e.getKey() < 0 ? "other" : Integer.toString(e.getKey()));
            }
        }
        SymbolAxis axis = new SymbolAxis("layer", labels.toArray(String[]::new));
        axis.setGridBandsVisible(false);
        if (!labels.isEmpty()) {
            axis.setRange(-0.6, labels.size() - 0.4);
        }
        plot.setDomainAxis(axis);
        plot.setDataset(new XYSeriesCollection(s));
        ChartTheme.apply(pane.chart(), theme);
    }

    ChartPane chartPane() {
        return pane;
    }
}
