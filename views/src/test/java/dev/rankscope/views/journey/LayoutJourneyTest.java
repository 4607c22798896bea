package dev.rankscope.views.journey;

import dev.rankscope.views.compensate.CompensateView;
import dev.rankscope.views.testing.FakeDialogService;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TableView;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.ArrayList;
import java.util.List;

import static dev.rankscope.views.journey.ModelLoopJourneyTest.trainedSample;
import static dev.rankscope.views.journey.ModelLoopJourneyTest.waitLong;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layout bounds a user saw broken (issue 19, item 7), checked on the whole window at 1280×800, 1600×1000 and
 * 1920×1080: the Compare tab's parameter bar keeps "λ" on the row of its spinner (and is one row from
 * 1600 px), no chart title of any tab is cut ("Intru…"): the text a title label renders is its whole text, and
 * the analysed Quantize tab keeps every button and line of text (chart header, budget summary, Export,
 * Evaluate, Cancel, status lines) inside the tab and unshortened.
 */
@ExtendWith(ApplicationExtension.class)
class LayoutJourneyTest {
    private static final int[][] SIZES = {{1280, 800}, {1600, 1000}, {1920, 1080}};

    FullWorkbench window;
    CompensateView quantize;
    Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        window = new FullWorkbench(stage, new FakeDialogService());
        quantize = CompensateView.install(window.view, window.vm);
    }

    @org.junit.jupiter.api.AfterEach
    void backToTheDefaultSize(FxRobot robot) {
        resize(robot, 1280, 800);
    }

    private void resize(FxRobot robot, int width, int height) {
        robot.interact(() -> {
            stage.setWidth(width);
            stage.setHeight(height);
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> window.view.root().getScene().getRoot().layout());
        assertEquals(width, stage.getScene().getWidth(), 2, "the window is " + width + " px wide");
    }

    private static double centreY(Node n) {
        Bounds b = n.localToScene(n.getBoundsInLocal());
        return (b.getMinY() + b.getMaxY()) / 2;
    }

    private static List<Label> labelled(Node root, String text) {
        List<Label> out = new ArrayList<>();
        for (Node n : root.lookupAll(".label")) {
            if (n instanceof Label l && text.equals(l.getText())) {
                out.add(l);
            }
        }
        return out;
    }

    @Test
    void compareParametersKeepLambdaWithItsSpinnerAndAreOneRowFrom1600Pixels(FxRobot robot) {
        window.selectTab(robot, "Compare");
        for (int[] size : SIZES) {
            resize(robot, size[0], size[1]);
            robot.interact(() -> {
                Node compare = window.compare;
                Node spinner = compare.lookup("#compare-lambda");
                List<Label> lambda = labelled(compare, "λ");
                assertEquals(1, lambda.size());
                assertEquals(centreY(spinner), centreY(lambda.get(0)), 3, size[0] + " px: λ and its spinner share a row");
                if (size[0] >= 1600) {
                    Node epsilon = compare.lookup("#compare-epsilon");
                    assertEquals(centreY(epsilon), centreY(spinner), 3, size[0] + " px: the parameter bar is one row");
                }
            });
        }
    }

    @Test
    void noChartTitleIsCutOnAnyTab(FxRobot robot) {
        for (int[] size : SIZES) {
            resize(robot, size[0], size[1]);
            for (Tab tab : List.copyOf(window.view.tabs().getTabs())) {
                robot.interact(() -> window.view.tabs().getSelectionModel().select(tab));
                WaitForAsyncUtils.waitForFxEvents();
                robot.interact(() -> {
                    for (Node n : tab.getContent().lookupAll(".chart-title")) {
                        if (!(n instanceof Label title) || !title.isVisible() || title.getScene() == null
                                || title.getWidth() == 0) {
                            continue;
                        }
                        Text shown = (Text) title.lookup(".text");
                        assertEquals(title.getText(), shown == null ? "" : shown.getText(),
                                size[0] + "×" + size[1] + ", tab " + tab.getText() + ": chart title cut");
                    }
                });
            }
        }
        assertTrue(window.view.tabs().getTabs().size() >= 6, "every tab was visited");
    }

    @Test
    void theAnalysedQuantizeTabKeepsEveryButtonAndTextInsideTheTab(FxRobot robot) {
        window.selectTab(robot, "Quantize");
        robot.interact(() -> {
            quantize.viewModel().baseProperty().set(trainedSample().resolve("model.safetensors"));
            quantize.viewModel().schemeProperty().set("int4");
        });
        robot.clickOn("#compensate-analyse");
        waitLong(() -> quantize.viewModel().analysisProperty().get() != null);
        for (int[] size : SIZES) {
            resize(robot, size[0], size[1]);
            robot.interact(() -> {
                Bounds tab = window.view.tabs().localToScene(window.view.tabs().getLayoutBounds());
                List<Labeled> checked = new ArrayList<>();
                collectOutsideLists(quantize.content(), checked);
                assertTrue(checked.size() >= 15, "the form, chart header, budget bar and Evaluate panel were checked: "
                        + checked.size());
                for (Labeled l : checked) {
                    String what = size[0] + "×" + size[1] + ", Quantize tab, '" + l.getText() + "'";
                    Bounds b = l.localToScene(l.getLayoutBounds());
                    assertTrue(b.getMinX() >= tab.getMinX() - 1 && b.getMaxX() <= tab.getMaxX() + 1,
                            what + " lies across the tab's side (" + b.getMinX() + ".." + b.getMaxX() + " in "
                            + tab.getMinX() + ".." + tab.getMaxX() + ")");
                    assertTrue(b.getMaxY() <= tab.getMaxY() + 1, what + " lies below the tab");
                    Text shown = (Text) l.lookup(".text");
                    assertEquals(l.getText(), shown == null ? "" : shown.getText(), what + " is shortened");
                }
            });
        }
    }

    /** Visible buttons and labels with text, except inside the table and the scrolled layer map. */
    private static void collectOutsideLists(Node node, List<Labeled> out) {
        if (!node.isVisible() || node instanceof TableView || node instanceof ScrollPane) {
            return;
        }
        if (node instanceof Labeled l && l.getText() != null && !l.getText().isEmpty()) {
            out.add(l);
        }
        if (node instanceof Parent p) {
            p.getChildrenUnmodifiable().forEach(c -> collectOutsideLists(c, out));
        }
    }
}
