package dev.rankscope.views.details;

import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.testing.Journeys;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.input.Clipboard;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Details panel a little narrower than in a 1280×800 window (250 px): a long module name in the value column
 * wrapped mid-word ("model.embed_tok" / "ens.weight"); every wrapped line now starts after a '.', '_' or '/', and
 * right-click ▸ Copy gives the name as it is (no line breaks).
 */
@ExtendWith(ApplicationExtension.class)
class DetailsViewTest {
    private WorkbenchViewModel wb;
    private DetailsView view;

    @Start
    void start(Stage stage) {
        wb = new WorkbenchViewModel(new FakeWorkbenchServices(), new FakeDialogService(), new InMemorySettingsStore(),
                WorkbenchExecutors.sameThread());
        view = new DetailsView(new DetailsViewModel(wb));
        stage.setScene(new Scene(view, 250, 700));
        // the test stage is shared: an earlier test's window size would otherwise stretch this scene
        stage.setWidth(250);
        stage.setHeight(700);
        stage.show();
    }

    private Label valueOf(String name) {
        List<Node> cells = new ArrayList<>(view.grid().getChildren());
        for (int i = 0; i + 1 < cells.size(); i++) {
            if (cells.get(i) instanceof Label l && name.equals(l.getText())) {
                return (Label) cells.get(i + 1);
            }
        }
        throw new AssertionError("no line " + name);
    }

    /** Indices of the characters that begin the lines {@code label} shows. */
    private static TreeSet<Integer> lineStarts(Label label) {
        Text shown = (Text) label.lookup(".text");
        TreeSet<Integer> starts = new TreeSet<>();
        double height = shown.getLayoutBounds().getHeight();
        for (double y = shown.getLayoutBounds().getMinY() + 1; y < shown.getLayoutBounds().getMinY() + height; y += 2) {
            starts.add(shown.hitTest(new Point2D(shown.getLayoutBounds().getMinX() + 0.5, y)).getCharIndex());
        }
        return starts;
    }

    @Test
    void longNamesWrapAtDotsAndUnderscoresAndCopyWhole(FxRobot robot) {
        robot.interact(() -> {
            wb.open(Path.of("/m/a.safetensors"));
            wb.select(wb.checkpoints().get(0).matrices().get(0));
        });
        // the grid settles over a few pulses (scroll pane viewport, then the wrapped labels' heights)
        WaitForAsyncUtils.waitForFxEvents();
        try {
            WaitForAsyncUtils.waitFor(Journeys.HANG_GUARD_SECONDS, java.util.concurrent.TimeUnit.SECONDS, () -> {
                robot.interact(() -> view.getScene().getRoot().layout());
                return robot.lookup(".details-value").queryAll().stream().allMatch(n -> n.getLayoutBounds().getMaxX()
                        + n.localToScene(0, 0).getX() <= view.getScene().getWidth());
            });
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the values never fitted the panel's width", e);
        }
        for (String name : List.of("name", "module name")) {
            robot.interact(() -> {
                Label value = valueOf(name);
                String text = ((Text) value.lookup(".text")).getText();
                assertTrue(text.replace("\n", "").startsWith("model.embed_tokens"), text);
                TreeSet<Integer> starts = lineStarts(value);
                assertTrue(starts.size() >= 2, name + ": the value wraps in a narrow panel: " + starts + ", text "
                        + ((Text) value.lookup(".text")).getLayoutBounds() + " wrapping at "
                        + ((Text) value.lookup(".text")).getWrappingWidth() + ", label " + value.getWidth() + "×" + value.getHeight());
                for (int start : starts) {
                    String before = text.substring(0, start).replace("\n", "");
                    assertTrue(start == 0 || "._/".indexOf(before.charAt(before.length() - 1)) >= 0,
                            name + ": a line starts mid-word, at '" + text.substring(start) + "' after '" + before + "'");
                }
            });
        }
        robot.interact(() -> valueOf("name").getContextMenu().getItems().get(0).fire());
        robot.interact(() -> assertEquals("model.embed_tokens.weight", Clipboard.getSystemClipboard().getString()));
    }
}
