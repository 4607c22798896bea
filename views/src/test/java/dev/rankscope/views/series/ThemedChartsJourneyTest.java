package dev.rankscope.views.series;

import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.views.budget.BudgetView;
import dev.rankscope.views.budget.EngineBudgetServices;
import dev.rankscope.views.service.Theme;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.Journeys;
import dev.rankscope.views.workbench.WorkbenchView;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.stage.Stage;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.Title;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.awt.Color;
import java.awt.Paint;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In the dark theme the Series tab's trajectory chart and heatmap (built anew for each result) and the Budget tab's
 * quality-vs-size chart are dark like the other charts, with light text; back in the light theme they are light.
 * They stayed white: the Series charts were never themed and the Budget tab themed only its first two charts.
 */
@ExtendWith(ApplicationExtension.class)
class ThemedChartsJourneyTest {
    final FakeDialogService dialogs = new FakeDialogService();
    WorkbenchViewModel vm;
    WorkbenchView view;
    SeriesView series;

    @Start
    void start(Stage stage) {
        vm = Journeys.workbench(dialogs);
        view = new WorkbenchView(vm);
        view.addTab(BudgetView.create(vm, new EngineBudgetServices(OjAlgoBackend::new)));
        series = SeriesView.install(view, vm);
        view.install(stage);
        stage.show();
    }

    /** Relative luminance of {@code paint} (a colour), 0 black … 1 white. */
    private static double luminance(Paint paint) {
        Color c = (Color) paint;
        return (0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue()) / 255;
    }

    /** Checks that {@code chart}'s backgrounds are dark and its text light ({@code dark}), or the other way round. */
    private static void checkColours(String what, JFreeChart chart, boolean dark) {
        XYPlot plot = chart.getXYPlot();
        List<Paint> backgrounds = new ArrayList<>(List.of(chart.getBackgroundPaint(), plot.getBackgroundPaint()));
        List<Paint> texts = new ArrayList<>();
        for (ValueAxis axis : new ValueAxis[] {plot.getDomainAxis(), plot.getRangeAxis()}) {
            if (axis == null) {
                continue;   // the empty chart shown before a series is open has no axes
            }
            texts.add(axis.getTickLabelPaint());
            texts.add(axis.getLabelPaint());
        }
        if (chart.getTitle() != null) {
            texts.add(chart.getTitle().getPaint());
        }
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            Title sub = chart.getSubtitle(i);
            if (sub instanceof LegendTitle legend) {
                backgrounds.add(legend.getBackgroundPaint());
                texts.add(legend.getItemPaint());
            } else if (sub instanceof PaintScaleLegend bar) {
                backgrounds.add(bar.getBackgroundPaint());
                texts.add(bar.getAxis().getTickLabelPaint());
                texts.add(bar.getAxis().getLabelPaint());
            }
        }
        String theme = dark ? "dark" : "light";
        for (Paint p : backgrounds) {
            assertTrue(dark ? luminance(p) < 0.25 : luminance(p) > 0.9, what + ": a background " + p + " in the " + theme + " theme");
        }
        for (Paint p : texts) {
            assertTrue(dark ? luminance(p) > 0.7 : luminance(p) < 0.35, what + ": a text colour " + p + " in the " + theme + " theme");
        }
        // and as drawn: the chart's corner is the background
        BufferedImage image = chart.createBufferedImage(400, 300);
        double corner = luminance(new Color(image.getRGB(2, 2)));
        assertTrue(dark ? corner < 0.25 : corner > 0.9, what + ": drawn with a corner of luminance " + corner);
    }

    @Test
    void theSeriesAndBudgetChartsFollowTheDarkTheme(FxRobot robot, @TempDir Path dir) {
        robot.interact(() -> vm.themeProperty().set(Theme.DARK));
        JFreeChart quality = robot.lookup("#model-quality-chart").queryAs(ChartViewer.class).getChart();
        checkColours("Budget ▸ Model: quality vs size", quality, true);
        checkColours("Series: trajectories before a series is open", series.trajectoriesPane().chart(), true);

        Path folder = dir.resolve("run");
        SeriesViewModelTest.series(folder, SeriesViewModelTest.MINI, "step1", "step2", "step3");
        SeriesViewModel model = series.viewModel();
        robot.interact(() -> model.open(List.of(folder)));
        Journeys.waitUntil(() -> model.resultProperty().get() != null && !model.runningProperty().get()
                && series.heatmapPane().chart().getSubtitleCount() > 0);
        checkColours("Series: trajectories", series.trajectoriesPane().chart(), true);
        checkColours("Series: heatmap", series.heatmapPane().chart(), true);
        assertTrue(series.heatmapPane().chart().getSubtitles().stream().anyMatch(t -> t instanceof PaintScaleLegend),
                "the heatmap has its colour bar");

        robot.interact(() -> vm.themeProperty().set(Theme.LIGHT));
        checkColours("Series: heatmap", series.heatmapPane().chart(), false);
        checkColours("Budget ▸ Model: quality vs size", quality, false);
    }
}
