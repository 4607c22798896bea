package dev.rankscope.views.journey;

import dev.rankscope.views.budget.BudgetView;
import dev.rankscope.application.render.ChartSize;
import dev.rankscope.views.compare.CompareView;
import dev.rankscope.application.report.HtmlReport;
import dev.rankscope.views.workbench.WorkbenchView;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.scene.Node;
import javafx.scene.image.ImageView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.rankscope.views.testing.Journeys.waitUntil;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless journeys (Monocle) over the whole window as the app wires it (Budget, Compare, Learn
 * tabs) on the real engine and the generated sample, with a fake dialog service answering the size
 * and save dialogs: File ▸ Export Report… writes the HTML report (with the Budget plan and the
 * Compare intruder summary), and a chart or picture in each tab exports at a custom size.
 */
class ExportJourneyTest extends SampleJourney {
    WorkbenchViewModel vm;
    WorkbenchView view;
    BudgetView budget;
    CompareView compare;

    @Start
    void start(Stage stage) {
        show(stage);
        vm = window.vm;
        view = window.view;
        budget = window.budget;
        compare = window.compare;
    }

    void openSampleAndWait(FxRobot robot) {
        window.openAndWait(robot, samples.base());
    }

    void selectTab(FxRobot robot, String title) {
        window.selectTab(robot, title);
    }

    /**
     * Opens {@code node}'s context menu as a right-click does. Monocle's mouse sends no
     * context-menu event, so the event a desktop platform sends on right-click is fired here.
     */
    static void openContextMenu(FxRobot robot, Node node) {
        robot.moveTo(node);
        robot.interact(() -> {
            javafx.geometry.Bounds b = node.localToScreen(node.getLayoutBounds());
            double x = node.getLayoutBounds().getWidth() / 2;
            double y = node.getLayoutBounds().getHeight() / 2;
            javafx.event.Event.fireEvent(node, new javafx.scene.input.ContextMenuEvent(
                    javafx.scene.input.ContextMenuEvent.CONTEXT_MENU_REQUESTED, x, y, b.getMinX() + x, b.getMinY() + y,
                    false, new javafx.scene.input.PickResult(node, b.getMinX() + x, b.getMinY() + y)));
        });
    }

    /** Saves the window under target/export-screens for a human to look at (layout at 1280×800). */
    void snapshot(String name) {
        try {
            javafx.scene.image.WritableImage img = org.testfx.util.WaitForAsyncUtils
                    .asyncFx(() -> view.root().snapshot(null, null)).get();
            Path dir = Path.of("target", "export-screens");
            Files.createDirectories(dir);
            ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(img, null), "png", dir.resolve(name + ".png").toFile());
        } catch (Exception e) {
            throw new AssertionError("snapshot " + name, e);
        }
    }

    static void assertPng(Path png, ChartSize size) {
        waitUntil(() -> sizeOf(png) > 0);
        try {
            BufferedImage image = ImageIO.read(png.toFile());
            assertEquals(size.width(), image.getWidth(), png.getFileName() + " width");
            assertEquals(size.height(), image.getHeight(), png.getFileName() + " height");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static void assertSvg(Path svg, ChartSize size) {
        waitUntil(() -> sizeOf(svg) > 0);
        try {
            assertArrayEquals(new int[]{size.width(), size.height()}, dev.rankscope.views.testing.ExportedFiles.svgSize(svg), svg.toString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static long sizeOf(Path p) {
        return WorkbenchJourneyTest.sizeOf(p);
    }

    @Test
    void exportTheReportFromTheFileMenuWithPlanAndComparison(FxRobot robot, @TempDir Path out) throws Exception {
        openSampleAndWait(robot);
        selectTab(robot, "Budget");
        waitUntil(() -> budget.viewModel().getPlan() != null);

        selectTab(robot, "Compare");
        robot.interact(() -> compare.viewModel().tunedPathProperty().set(samples.lora()));
        robot.clickOn("#compare-run");
        waitUntil(() -> !compare.viewModel().runningProperty().get() && !compare.viewModel().results().rows().isEmpty());

        Path report = out.resolve("tiny-report.html");
        dialogs.answers.add(report);
        robot.clickOn("File");
        robot.clickOn("Export Report…");
        waitUntil(() -> sizeOf(report) > 0 && view.reportExport().runningProperty().get() == null);
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
        String html = Files.readString(report);
        assertTrue(html.contains("tiny-llama"), "names the model");
        assertTrue(html.contains("<img") || html.contains("<svg"), "embedded charts");
        assertTrue(html.contains("<section id=\"" + HtmlReport.PLAN_ID + "\""), "the Budget tab's plan");
        assertTrue(html.contains("<section id=\"" + HtmlReport.INTRUDERS_ID + "\""), "the Compare tab's intruders");
        assertTrue(html.contains("tiny-llama-lora"), "the compared adapter");
    }

    /**
     * Answers the next size and save dialogs, runs {@code trigger} (the user's clicks), then checks
     * the file: a PNG of exactly {@code size} pixels or an SVG with those width/height attributes.
     */
    void exportAndCheck(Path target, ChartSize size, Runnable trigger) {
        dialogs.sizes.add(size);
        dialogs.answers.add(target);
        trigger.run();
        if (target.getFileName().toString().endsWith(".png")) {
            assertPng(target, size);
        } else {
            assertSvg(target, size);
        }
    }

    @Test
    void aChartInEveryTabExportsAtACustomSize(FxRobot robot, @TempDir Path out) {
        openSampleAndWait(robot);
        robot.interact(() -> vm.select(vm.checkpoints().get(0).matrices().get(1)));

        // Spectrum: header button, then the chart's context menu
        exportAndCheck(out.resolve("scree.png"), new ChartSize(777, 333), () -> robot.clickOn("#scree-chart-png"));
        exportAndCheck(out.resolve("esd.svg"), new ChartSize(1600, 1200), () -> {
            openContextMenu(robot, robot.lookup("#esd-chart").query());
            robot.clickOn("Export as SVG…");
        });

        // Layer map (not a JFreeChart: drawn for the export)
        selectTab(robot, "Layer map");
        for (String format : new String[]{"PNG", "SVG"}) {
            exportAndCheck(out.resolve("map." + format.toLowerCase(java.util.Locale.ROOT)), new ChartSize(640, 1000), () -> {
                robot.clickOn("#layermap-export");
                robot.clickOn("Export as " + format + "…");
            });
        }

        // Budget (its chart header at 1280×800 keeps its buttons)
        selectTab(robot, "Budget");
        waitUntil(() -> budget.viewModel().getPlan() != null);
        snapshot("budget");
        exportAndCheck(out.resolve("ranks.svg"), new ChartSize(1111, 555), () -> robot.clickOn("#budget-ranks-chart-svg"));

        // Compare (an empty chart exports too)
        selectTab(robot, "Compare");
        snapshot("compare");
        exportAndCheck(out.resolve("bars.png"), new ChartSize(900, 450), () -> robot.clickOn("#compare-bars-chart-png"));

        // Learn: a chart, and an image through its context menu; the tab knows when it is on screen
        assertFalse(window.learnVm.shownProperty().get(), "Learn is not the selected tab yet");
        selectTab(robot, "Learn");
        assertTrue(window.learnVm.shownProperty().get(), "selecting the tab shows Learn");
        waitUntil(() -> robot.lookup("#learn-reconstruction").tryQuery().isPresent()
                && robot.lookup("#learn-reconstruction").queryAs(ImageView.class).getImage() != null);
        exportAndCheck(out.resolve("sigma.png"), new ChartSize(500, 700), () -> robot.clickOn("#learn-sigma-chart-png"));
        exportAndCheck(out.resolve("reconstruction.png"), new ChartSize(300, 320), () -> {
            openContextMenu(robot, robot.lookup("#learn-reconstruction").query());
            robot.clickOn("Export as PNG…");
        });
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());

        // the Learn charts follow the dark theme
        robot.interact(() -> vm.themeProperty().set(dev.rankscope.views.service.Theme.DARK));
        org.jfree.chart.JFreeChart learnChart = robot.lookup("#learn-sigma-chart")
                .queryAs(org.jfree.chart.fx.ChartViewer.class).getChart();
        assertEquals(new java.awt.Color(0x2b, 0x2d, 0x30), learnChart.getBackgroundPaint());
        robot.interact(() -> vm.themeProperty().set(dev.rankscope.views.service.Theme.LIGHT));
        assertEquals(java.awt.Color.WHITE, learnChart.getBackgroundPaint());
    }
}
