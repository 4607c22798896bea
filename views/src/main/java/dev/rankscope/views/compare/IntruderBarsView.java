package dev.rankscope.views.compare;

import dev.rankscope.views.service.Theme;
import dev.rankscope.views.spectrum.ChartPane;
import dev.rankscope.views.spectrum.ChartTheme;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.scene.layout.BorderPane;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StackedXYBarRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.CategoryTableXYDataset;

import java.util.Locale;

/**
 * Per-layer bar chart of intruder counts, stacked by module type (q, k, v, o, gate, up, down…),
 * at the current (k, ε). Each new {@link LayerIntruderCounts} from the ViewModel becomes a new
 * dataset swapped into the plot; a dataset a visible chart shows is never mutated. Layer −1
 * (embeddings, lm_head) is drawn as "other". FX thread only.
 */
final class IntruderBarsView extends BorderPane {
    private final ChartPane pane;
    private final XYPlot plot;
    private final StackedXYBarRenderer renderer = new StackedXYBarRenderer(0.25);
    private Theme theme;

    IntruderBarsView(CompareViewModel vm, WorkbenchViewModel workbench) {
        setId("compare-bars");
        NumberAxis counts = new NumberAxis("intruders");
        counts.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        renderer.setBarPainter(new StandardXYBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        plot = new XYPlot(new CategoryTableXYDataset(), new SymbolAxis("layer", new String[0]), counts, renderer);
        var chart = CompareCharts.chart(plot, true);
        // under the bars: beside them the nine module names left the plot a third of a narrow chart (1280×800)
        chart.getLegend().setPosition(RectangleEdge.BOTTOM);
        pane = new ChartPane("compare-bars-chart", "Intruders per layer, by module", chart, "intruders-per-layer",
                vm.pictureExporter());
        pane.setReadoutFormats(v -> String.format(Locale.ROOT, "%.0f", v), v -> String.format(Locale.ROOT, "%.1f", v));
        setCenter(pane);
        theme = workbench.themeProperty().get();
        workbench.themeProperty().addListener((o, a, b) -> {
            theme = b;
            ChartTheme.apply(pane.chart(), b);
        });
        vm.results().layerCountsProperty().addListener((o, a, b) -> show(b));
        show(vm.results().layerCountsProperty().get());
    }

    private void show(LayerIntruderCounts counts) {
        CategoryTableXYDataset data = new CategoryTableXYDataset();
        String[] labels = new String[counts.layers().size()];
        for (int li = 0; li < labels.length; li++) {
            int layer = counts.layers().get(li);
            labels[li] = layer < 0 ? "other" : Integer.toString(layer);
        }
        for (int mi = 0; mi < counts.modules().size(); mi++) {
            String series = counts.modules().get(mi).label();
            for (int li = 0; li < labels.length; li++) {
                data.add(li, counts.count(mi, li), series, false);
            }
        }
        SymbolAxis axis = new SymbolAxis("layer", labels);
        axis.setGridBandsVisible(false);
        if (labels.length > 0) {
            axis.setRange(-0.6, labels.length - 0.4);
        }
        plot.setDomainAxis(axis);
        CompareCharts.colourByModule(renderer, counts.modules());
        NumberAxis range = (NumberAxis) plot.getRangeAxis();
        int max = 0;
        for (int li = 0; li < labels.length; li++) {
            int s = 0;
            for (int mi = 0; mi < counts.modules().size(); mi++) {
                s += counts.count(mi, li);
            }
            max = Math.max(max, s);
        }
        CompareCharts.fixRange(range, 0, Math.max(1, max) * 1.1);
        plot.setDataset(data);
        ChartTheme.apply(pane.chart(), theme);
    }

    ChartPane chartPane() {
        return pane;
    }
}
