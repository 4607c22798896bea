package dev.rankscope.views.spectrum;

import dev.rankscope.views.service.Theme;
import javafx.beans.value.ObservableValue;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TabPane;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.title.Title;
import org.jfree.chart.ui.RectangleInsets;

import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Colours JFreeChart charts to match the workbench theme (charts are AWT-painted, not CSS-styled). */
public final class ChartTheme {
    private static final RectangleInsets RIGHT_ROOM = new RectangleInsets(2, 2, 2, 14);

    private ChartTheme() {
    }

    /**
     * Applies {@code theme}'s background, grid and text colours to {@code chart}: its plot, axes, title, legend and
     * colour bars (the Series heatmap's and Compare's {@link PaintScaleLegend} kept a white box in the dark theme).
     * FX thread only.
     */
    public static void apply(JFreeChart chart, Theme theme) {
        boolean dark = theme == Theme.DARK;
        Color bg = dark ? new Color(0x2b, 0x2d, 0x30) : Color.WHITE;
        Color plotBg = dark ? new Color(0x1e, 0x1f, 0x22) : new Color(0xfa, 0xfa, 0xfc);
        Color grid = dark ? new Color(0x4a, 0x4d, 0x52) : new Color(0xdd, 0xdd, 0xe3);
        Color text = dark ? new Color(0xdf, 0xe1, 0xe5) : new Color(0x22, 0x22, 0x22);
        chart.setBackgroundPaint(bg);
        // room right of the plot for half of the last x tick label, which is centred on the plot's edge ("10¹" was cut)
        chart.setPadding(RIGHT_ROOM);
        if (chart.getTitle() != null) {
            chart.getTitle().setPaint(text);
        }
        if (chart.getPlot() instanceof XYPlot plot) {
            plot.setBackgroundPaint(plotBg);
            plot.setDomainGridlinePaint(grid);
            plot.setRangeGridlinePaint(grid);
            plot.setOutlinePaint(grid);
            plot.setDomainCrosshairPaint(dark ? Color.LIGHT_GRAY : Color.DARK_GRAY);
            plot.setRangeCrosshairPaint(dark ? Color.LIGHT_GRAY : Color.DARK_GRAY);
            for (int i = 0; i < plot.getDomainAxisCount(); i++) {
                style(plot.getDomainAxis(i), text);
            }
            for (int i = 0; i < plot.getRangeAxisCount(); i++) {
                style(plot.getRangeAxis(i), text);
            }
        }
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            Title sub = chart.getSubtitle(i);
            if (sub instanceof LegendTitle legend) {
                legend.setBackgroundPaint(bg);
                legend.setItemPaint(text);
                legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            } else if (sub instanceof PaintScaleLegend bar) {
                bar.setBackgroundPaint(bg);
                style(bar.getAxis(), text);
            } else if (sub instanceof TextTitle line) {
                line.setPaint(text);
            }
        }
    }

    /**
     * Makes every chart pane under {@code content} follow {@code theme}, now, on each change and when a pane is given a
     * new chart ({@link ChartPane#setChart}): the Subspaces and Quantize tabs' charts kept JFreeChart's grey plot in
     * either theme, the Series and Budget quality charts stayed white in the dark one. FX thread only.
     */
    public static void follow(Node content, ObservableValue<Theme> theme) {
        Consumer<Theme> apply = t -> {
            List<ChartPane> panes = new ArrayList<>();
            collect(content, panes);
            panes.forEach(pane -> pane.setTheme(t == null ? Theme.LIGHT : t));
        };
        apply.accept(theme.getValue());
        theme.addListener((o, a, b) -> apply.accept(b));
    }

    /** The chart panes under {@code node}, also in tabs, split panes and scroll panes not shown yet (no skin). */
    private static void collect(Node node, List<ChartPane> out) {
        if (node instanceof ChartPane pane) {
            out.add(pane);
        }
        List<Node> children = new ArrayList<>();
        if (node instanceof TabPane tabs) {
            tabs.getTabs().forEach(t -> children.add(t.getContent()));
        } else if (node instanceof SplitPane split) {
            children.addAll(split.getItems());
        } else if (node instanceof ScrollPane scroll) {
            children.add(scroll.getContent());
        } else if (node instanceof Parent parent) {
            children.addAll(parent.getChildrenUnmodifiable());
        }
        children.stream().filter(java.util.Objects::nonNull).forEach(c -> collect(c, out));
    }

    private static void style(Axis axis, Color text) {
        if (axis == null) {
            return;
        }
        axis.setLabelPaint(text);
        axis.setTickLabelPaint(text);
        axis.setAxisLinePaint(text);
        axis.setTickMarkPaint(text);
        axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    }
}
