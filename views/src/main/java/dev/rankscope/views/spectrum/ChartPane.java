package dev.rankscope.views.spectrum;

import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.DialogService;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.fx.interaction.ChartMouseEventFX;
import org.jfree.chart.fx.interaction.ChartMouseListenerFX;
import org.jfree.chart.fx.interaction.PanHandlerFX;
import org.jfree.chart.plot.XYPlot;
import org.jfree.svg.SVGGraphics2D;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * One interactive chart: a JFreeChart-FX {@link ChartViewer} under a header with the title, a
 * crosshair read-out of the data coordinates under the mouse, Reset (auto range) and export to
 * PNG and SVG. Drag zooms, Ctrl- or Alt-drag pans, the wheel zooms. Export renders on the FX
 * thread (the chart is not thread-safe) and writes the file on the work executor.
 */
public final class ChartPane extends BorderPane {
    private final ChartViewer viewer;
    private final Label readout = new Label();
    private final String fileStem;
    private final DialogService dialogs;
    private final WorkbenchExecutors executors;
    private DoubleFunction<String> xFormat = v -> String.format(Locale.ROOT, "%.4g", v);
    private DoubleFunction<String> yFormat = v -> String.format(Locale.ROOT, "%.4g", v);

    public ChartPane(String id, String title, JFreeChart chart, String fileStem, DialogService dialogs,
                     WorkbenchExecutors executors) {
        this.fileStem = fileStem;
        this.dialogs = dialogs;
        this.executors = executors;
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
        titleLabel.setMinWidth(Region.USE_PREF_SIZE);
        readout.setMinWidth(0);
        readout.getStyleClass().add("chart-readout");
        readout.setId(id + "-readout");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Button reset = small("Reset", "Reset zoom and pan (auto range)", this::resetZoom);
        reset.setId(id + "-reset");
        Button png = small("PNG", "Export this chart as PNG", () -> export("png"));
        Button svg = small("SVG", "Export this chart as SVG", () -> export("svg"));
        HBox header = new HBox(8, titleLabel, readout, spacer, reset, png, svg);
        header.setAlignment(Pos.CENTER_LEFT);
        header.setPadding(new Insets(2, 6, 2, 6));
        header.getStyleClass().add("chart-header");
        setTop(header);
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

    private void export(String extension) {
        dialogs.chooseSaveFile("Export chart as " + extension.toUpperCase(Locale.ROOT), fileStem + "." + extension, extension)
                .ifPresent(target -> exportTo(target, extension));
    }

    /**
     * Renders the chart at its on-screen size (at least 800×500) on the FX thread and writes it
     * to {@code target} on the work executor. Errors become one dialog naming the file.
     */
    public void exportTo(Path target, String extension) {
        int w = Math.max(800, (int) viewer.getWidth());
        int h = Math.max(500, (int) viewer.getHeight());
        byte[] bytes;
        if (extension.equals("svg")) {
            SVGGraphics2D g = new SVGGraphics2D(w, h);
            viewer.getChart().draw(g, new Rectangle(w, h));
            bytes = g.getSVGDocument().getBytes(StandardCharsets.UTF_8);
        } else {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
            Graphics2D g = img.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            viewer.getChart().draw(g, new Rectangle(w, h));
            g.dispose();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                ImageIO.write(img, "png", out);
            } catch (IOException e) {
                dialogs.showError("Cannot export the chart", target.getFileName() + ": " + e.getMessage());
                return;
            }
            bytes = out.toByteArray();
        }
        byte[] data = bytes;
        executors.work().execute(() -> {
            try {
                dev.rankscope.engine.io.AtomicFileWriter.unprotected().writeBytes(target, data);
            } catch (dev.rankscope.engine.RankscopeException e) {
                executors.ui().execute(() -> dialogs.showError("Cannot export the chart",
                        target.getFileName() + ": cannot be written (" + e.getMessage() + ")"));
            }
        });
    }

    private static Button small(String text, String tip, Runnable action) {
        Button b = new Button(text);
        b.getStyleClass().add("small-button");
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        b.setFocusTraversable(false);
        return b;
    }
}
