package dev.rankscope.views.spectrum;

import dev.rankscope.views.charts.PictureExporter;
import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.render.Picture;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.DialogService;
import dev.rankscope.views.service.Theme;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.fx.interaction.ChartMouseEventFX;
import org.jfree.chart.fx.interaction.ChartMouseListenerFX;
import org.jfree.chart.fx.interaction.PanHandlerFX;
import org.jfree.chart.plot.XYPlot;

import java.awt.geom.Rectangle2D;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * One interactive chart: a JFreeChart-FX {@link ChartViewer} under a header with the title, a
 * crosshair read-out of the data coordinates under the mouse, Reset (auto range) and export to
 * PNG and SVG at a chosen size (header buttons and the context menu, through {@link PictureExporter}). Drag zooms, Ctrl- or Alt-drag pans, the wheel zooms. Export renders on the FX
 * thread (the chart is not thread-safe) and encodes and writes the file on the work executor.
 */
public final class ChartPane extends BorderPane {
    private final ChartViewer viewer;
    private final Label readout = new Label();
    private final String fileStem;
    private final PictureExporter exporter;
    private DoubleFunction<String> xFormat = v -> String.format(Locale.ROOT, "%.4g", v);
    private DoubleFunction<String> yFormat = v -> String.format(Locale.ROOT, "%.4g", v);
    /** The theme the chart follows ({@link ChartTheme#follow}), null until one is set. */
    private Theme theme;

    public ChartPane(String id, String title, JFreeChart chart, String fileStem, DialogService dialogs,
                     WorkbenchExecutors executors) {
        this(id, title, chart, fileStem, new PictureExporter(dialogs, executors));
    }

    /** With the exporter of the workbench, which refuses to write onto or into an open input. */
    public ChartPane(String id, String title, JFreeChart chart, String fileStem, PictureExporter exporter) {
        this.fileStem = fileStem;
        this.exporter = exporter;
        getStyleClass().add("chart-pane");
        viewer = new ChartViewer(chart);
        viewer.setId(id);
        viewer.getCanvas().addMouseHandler(new PanHandlerFX("pan-ctrl", false, true, false, false));
        viewer.addChartMouseListener(new ChartMouseListenerFX() {
            @Override
            public void chartMouseClicked(ChartMouseEventFX event) {
                // selection happens in the explorer; clicks only anchor the crosshair
            }

            @Override
            public void chartMouseMoved(ChartMouseEventFX event) {
                track(event.getTrigger().getX(), event.getTrigger().getY());
            }
        });
        viewer.getCanvas().setOnMouseExited(e -> readout.setText(""));

        Label titleLabel = new Label(title);
        titleLabel.getStyleClass().add("chart-title");
        titleLabel.setId(id + "-title");
        // the title is never cut: ChartHeader gives it a row of its own in a narrow pane, where it wraps
        // between words; only the mouse read-out elides
        titleLabel.setWrapText(true);
        titleLabel.setMinWidth(0);
        titleLabel.setMinHeight(Region.USE_PREF_SIZE);
        titleLabel.setTooltip(new Tooltip(title));
        readout.setMinWidth(0);
        readout.getStyleClass().add("chart-readout");
        readout.setId(id + "-readout");
        Button reset = small("Reset", "Reset zoom and pan (auto range)", this::resetZoom);
        reset.setId(id + "-reset");
        Button png = small("PNG", "Export this chart as PNG at a chosen size", () -> export(PictureExporter.Format.PNG));
        png.setId(id + "-png");
        Button svg = small("SVG", "Export this chart as SVG at a chosen size", () -> export(PictureExporter.Format.SVG));
        svg.setId(id + "-svg");
        HBox buttons = new HBox(8, reset, png, svg);
        buttons.setAlignment(Pos.CENTER_RIGHT);
        ChartHeader header = new ChartHeader(titleLabel, readout, buttons);
        header.getStyleClass().add("chart-header");
        setTop(header);
        // JFreeChart's own menu exports at screen size straight to disk; ours asks the size and
        // writes through the atomic writer
        MenuItem resetItem = new MenuItem("Reset zoom");
        resetItem.setOnAction(e -> resetZoom());
        viewer.getContextMenu().getItems().setAll(exporter.menuItems(id, fileStem, () -> PictureExporter.onScreen(viewer),
                () -> Picture.of(viewer.getChart())));
        viewer.getContextMenu().getItems().addAll(new SeparatorMenuItem(), resetItem);
        setCenter(viewer);
        Tooltip.install(viewer, new Tooltip("Drag: zoom · Ctrl/Alt-drag: pan · wheel: zoom · Reset: auto range"));
    }

    /** How the read-out formats x and y (e.g. integer index for the scree plot). */
    public void setReadoutFormats(DoubleFunction<String> x, DoubleFunction<String> y) {
        this.xFormat = x;
        this.yFormat = y;
    }

    public ChartViewer viewer() {
        return viewer;
    }

    public JFreeChart chart() {
        return viewer.getChart();
    }

    /**
     * Shows {@code chart} instead of the current one, coloured for the pane's theme: a tab that builds a new chart for
     * new data (Series) keeps following the theme. FX thread only.
     */
    public void setChart(JFreeChart chart) {
        if (theme != null) {
            ChartTheme.apply(chart, theme);
        }
        viewer.setChart(chart);
    }

    /** Colours the chart for {@code theme}, now and each time {@link #setChart} replaces it. FX thread only. */
    public void setTheme(Theme theme) {
        this.theme = theme;
        ChartTheme.apply(viewer.getChart(), theme);
    }

    /** Auto-ranges every axis (undoes zoom and pan). */
    public void resetZoom() {
        XYPlot plot = viewer.getChart().getXYPlot();
        for (int i = 0; i < plot.getDomainAxisCount(); i++) {
            plot.getDomainAxis(i).setAutoRange(true);
        }
        for (int i = 0; i < plot.getRangeAxisCount(); i++) {
            plot.getRangeAxis(i).setAutoRange(true);
        }
    }

    private void track(double sx, double sy) {
        var info = viewer.getCanvas().getRenderingInfo();
        if (info == null || info.getPlotInfo() == null) {
            return;
        }
        Rectangle2D area = info.getPlotInfo().getDataArea();
        if (!area.contains(sx, sy)) {
            readout.setText("");
            return;
        }
        XYPlot plot = viewer.getChart().getXYPlot();
        double x = plot.getDomainAxis().java2DToValue(sx, area, plot.getDomainAxisEdge());
        double y = plot.getRangeAxis().java2DToValue(sy, area, plot.getRangeAxisEdge());
        plot.setDomainCrosshairValue(x, false);
        plot.setRangeCrosshairValue(y, true);
        readout.setText("x = " + xFormat.apply(x) + ",  y = " + yFormat.apply(y));
    }

    /** Asks for a size and a file and exports the chart (PNG/SVG buttons, context menu). */
    public void export(PictureExporter.Format format) {
        exporter.export(format, fileStem, PictureExporter.onScreen(viewer), () -> Picture.of(viewer.getChart()));
    }

    /**
     * Renders the chart at its on-screen size on the FX thread and writes it to {@code target}
     * ({@code "png"} or {@code "svg"}) on the work executor. Errors become one dialog naming the file.
     */
    public void exportTo(Path target, String extension) {
        exportTo(target, PictureExporter.Format.valueOf(extension.toUpperCase(Locale.ROOT)), PictureExporter.onScreen(viewer));
    }

    /** Renders the chart at {@code size} (FX thread) and writes it to {@code target} on the work executor. */
    public void exportTo(Path target, PictureExporter.Format format, ChartSize size) {
        exporter.exportTo(target, format, size, Picture.of(viewer.getChart()));
    }

    private static Button small(String text, String tip, Runnable action) {
        Button b = new Button(text);
        b.getStyleClass().add("small-button");
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        b.setFocusTraversable(false);
        b.setMinWidth(Region.USE_PREF_SIZE);
        return b;
    }
}
