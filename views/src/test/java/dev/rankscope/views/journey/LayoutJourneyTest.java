package dev.rankscope.views.journey;

import dev.rankscope.views.compensate.CompensateView;
import dev.rankscope.views.learn.LearnViewModel;
import dev.rankscope.views.service.Theme;
import dev.rankscope.views.spectrum.ChartPane;
import dev.rankscope.views.testing.FakeDialogService;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Cell;
import javafx.scene.control.Labeled;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tab;
import javafx.scene.layout.Background;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

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
        window.resize(robot, width, height);
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

    /**
     * A menu item's accelerator is shown in its own column; Navigate ▸ "Next Matrix (F3)" repeated it in the name
     * (and listed a second "Next Matrix"). No item names a shortcut, and no menu lists the same name twice.
     */
    /**
     * The Budget tab's matrix column gets its room back in a wide window: laid out at 1280 first, it stayed at its
     * 1280 minimum at 1920 (the other columns' extra went to "rel. error") and cut every matrix name.
     */
    @Test
    void theBudgetMatrixColumnWidensWithTheWindow(FxRobot robot) {
        window.selectTab(robot, "Budget");
        resize(robot, 1280, 800);
        resize(robot, 1920, 1080);
        robot.interact(() -> {
            TableView<?> table = (TableView<?>) window.view.root().lookup("#budget-table");
            var matrix = table.getColumns().get(0);
            assertEquals("matrix", matrix.getText());
            // a Llama matrix name as the table draws it, plus the cell's padding
            double name = new javafx.scene.text.Text("model.layers.0.self_attn.q_proj.weight").getLayoutBounds().getWidth()
                    + 12;
            assertTrue(matrix.getWidth() >= name,
                    "matrix column " + matrix.getWidth() + " px at 1920, a name needs " + name + "; table "
                            + table.getWidth() + " px, columns " + table.getColumns().stream()
                            .map(c -> c.getText() + " " + c.getWidth()).toList());
        });
    }

    @Test
    void noMenuItemRepeatsAShortcutInItsName(FxRobot robot) {
        List<String> wrong = new ArrayList<>();
        AtomicInteger checked = new AtomicInteger();
        robot.interact(() -> {
            MenuBar bar = (MenuBar) window.view.root().lookup("#menu-bar");
            for (Menu menu : bar.getMenus()) {
                checkMenu(menu, wrong, checked);
            }
        });
        assertEquals(List.of(), wrong, "menu items that name a shortcut or repeat a name");
        assertTrue(checked.get() > 15, "menu items were found: " + checked.get());
    }

    private static void checkMenu(Menu menu, List<String> wrong, AtomicInteger checked) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (MenuItem item : menu.getItems()) {
            if (item instanceof SeparatorMenuItem || item.getText() == null) {
                continue;
            }
            checked.incrementAndGet();
            String where = menu.getText() + " ▸ " + item.getText();
            if (!names.add(item.getText())) {
                wrong.add(where + " is listed twice");
            }
            if (item.getText().matches(".*\\((Ctrl|Shift|Alt|Meta|Cmd|F\\d).*\\).*")) {
                wrong.add(where + " names a shortcut");
            }
            if (item.getAccelerator() != null && item.getText().contains(item.getAccelerator().getDisplayText())) {
                wrong.add(where + " repeats its accelerator " + item.getAccelerator().getDisplayText());
            }
            if (item instanceof Menu sub) {
                checkMenu(sub, wrong, checked);
            }
        }
    }

    /**
     * Every Learn panel fits the tab's width at 1280×800 and up: at 1280 the Rank-k panel scrolled sideways (its
     * explanation ran under the details panel and the third image was cut), and so did Effective rank and LoRA
     * and intruders. No panel is wider than its scroll pane's viewport, and every image lies inside it.
     */
    @Test
    void everyLearnPanelFitsTheTabsWidth(FxRobot robot) {
        window.selectTab(robot, "Learn");
        List<String> wide = new ArrayList<>();
        AtomicInteger images = new AtomicInteger();
        for (int[] size : SIZES) {
            resize(robot, size[0], size[1]);
            for (LearnViewModel.Panel panel : LearnViewModel.Panel.values()) {
                robot.interact(() -> window.learn.select(panel));
                WaitForAsyncUtils.waitForFxEvents();
                robot.interact(() -> window.view.root().getScene().getRoot().layout());
                robot.interact(() -> {
                    ScrollPane scroll = (ScrollPane) window.learn.currentPanel();
                    double viewport = scroll.getViewportBounds().getWidth();
                    double content = scroll.getContent().getLayoutBounds().getWidth();
                    String where = size[0] + "×" + size[1] + ", " + panel;
                    if (content > viewport + 1) {
                        wide.add(where + ": the panel is " + content + " px wide in a " + viewport + " px view");
                    }
                    Bounds view = scroll.localToScene(scroll.getLayoutBounds());
                    for (Node n : scroll.getContent().lookupAll(".image-view")) {
                        if (n.isVisible() && n instanceof javafx.scene.image.ImageView iv && iv.getImage() != null) {
                            Bounds b = n.localToScene(n.getLayoutBounds());
                            images.incrementAndGet();
                            if (b.getMaxX() > view.getMaxX() + 1) {
                                wide.add(where + ": image " + n.getId() + " ends at " + b.getMaxX() + ", the view at "
                                        + view.getMaxX());
                            }
                        }
                    }
                });
            }
        }
        assertEquals(List.of(), wide, "Learn panels wider than the tab");
        assertTrue(images.get() >= 3, "the images were checked: " + images.get());
    }

    /**
     * Every chart of every tab has the workbench theme's plot background, light and dark, or white (the Budget
     * quality chart and the Series charts are drawn as the report draws them): the Subspaces and Quantize tabs'
     * charts kept JFreeChart's grey plot.
     */
    @Test
    void everyChartFollowsTheTheme(FxRobot robot) {
        for (Theme theme : Theme.values()) {
            robot.interact(() -> window.vm.themeProperty().set(theme));
            java.awt.Color expected = theme == Theme.DARK ? new java.awt.Color(0x1e, 0x1f, 0x22)
                    : new java.awt.Color(0xfa, 0xfa, 0xfc);
            List<String> grey = new ArrayList<>();
            AtomicInteger checked = new AtomicInteger();
            for (Tab tab : List.copyOf(window.view.tabs().getTabs())) {
                robot.interact(() -> window.view.tabs().getSelectionModel().select(tab));
                WaitForAsyncUtils.waitForFxEvents();
                robot.interact(() -> {
                    for (Node n : tab.getContent().lookupAll(".chart-pane")) {
                        if (n instanceof ChartPane pane && pane.chart().getPlot() instanceof org.jfree.chart.plot.XYPlot plot) {
                            checked.incrementAndGet();
                            java.awt.Paint background = plot.getBackgroundPaint();
                            if (!expected.equals(background) && !java.awt.Color.WHITE.equals(background)) {
                                grey.add(theme + ", tab " + tab.getText() + ": '" + ((Label) pane.lookup(".chart-title")).getText()
                                        + "' has plot background " + background);
                            }
                        }
                    }
                });
            }
            assertEquals(List.of(), grey, "charts that do not follow the theme");
            assertTrue(checked.get() >= 10, "charts were checked: " + checked.get());
        }
        robot.interact(() -> window.vm.themeProperty().set(Theme.LIGHT));
    }

    /**
     * Chart titles and axis labels read alike in every font the app may get: the scree plot was titled "Scree plot
     * σᵢ", whose subscript letter (like ᵀ, the letter subscripts ₐ…ₜ and combining marks) many fonts lack or draw
     * small and odd; "σ_i"-style ASCII subscripts in axis labels were no better. Every chart pane of every tab
     * (each Learn panel, the Quantize tab) is checked: its title, its axes' labels and its subtitles' axes.
     */
    @Test
    void noChartTextUsesAGlyphFontsLack(FxRobot robot) {
        List<String> odd = new ArrayList<>();
        AtomicInteger checked = new AtomicInteger();
        for (Tab tab : List.copyOf(window.view.tabs().getTabs())) {
            robot.interact(() -> window.view.tabs().getSelectionModel().select(tab));
            List<Runnable> views = tab.getText().equals("Learn")
                    ? java.util.Arrays.stream(LearnViewModel.Panel.values()).<Runnable>map(p -> () -> window.learn.select(p)).toList()
                    : List.of(() -> { });
            for (Runnable view : views) {
                robot.interact(view);
                WaitForAsyncUtils.waitForFxEvents();
                robot.interact(() -> {
                    for (Node n : tab.getContent().lookupAll(".chart-pane")) {
                        if (n instanceof ChartPane pane) {
                            String title = ((Label) pane.lookup(".chart-title")).getText();
                            for (String text : chartTexts(pane)) {
                                checked.incrementAndGet();
                                String why = oddGlyph(text);
                                if (why != null) {
                                    odd.add("tab " + tab.getText() + ", chart '" + title + "': '" + text + "' " + why);
                                }
                            }
                        }
                    }
                });
            }
        }
        assertEquals(List.of(), odd, "chart texts with glyphs that many fonts lack");
        assertTrue(checked.get() >= 40, "chart titles and axis labels were checked: " + checked.get());
    }

    /**
     * Every shown chart's axis labels fit inside the chart at 1280×800 and up: JFreeChart centres a label on the
     * plot and cuts what runs past the canvas (seen under Xvfb: the calibrated Budget ▸ Model chart cut
     * "perplexity"; fixed and checked in ModelLoopJourneyTest). A guard for every tab as it first opens; measured
     * in the label's font size.
     */
    @Test
    void noAxisLabelRunsPastItsChartOnAnyTab(FxRobot robot) {
        List<String> cut = new ArrayList<>();
        AtomicInteger checked = new AtomicInteger();
        onEveryTabAtEverySize(robot, (size, tab) -> {
            for (Node n : tab.getContent().lookupAll(".chart-pane")) {
                if (n instanceof ChartPane pane && shown(pane) && pane.getWidth() > 0
                        && pane.chart().getPlot() instanceof org.jfree.chart.plot.XYPlot plot) {
                    org.jfree.chart.fx.ChartCanvas canvas = pane.viewer().getCanvas();
                    if (canvas.getRenderingInfo() == null || canvas.getHeight() < 1) {
                        continue;
                    }
                    java.awt.geom.Rectangle2D data = canvas.getRenderingInfo().getPlotInfo().getDataArea();
                    String where = size[0] + "×" + size[1] + ", tab " + tab.getText() + ", chart '"
                            + ((Label) pane.lookup(".chart-title")).getText() + "': ";
                    boolean vertical = plot.getOrientation() == org.jfree.chart.plot.PlotOrientation.VERTICAL;
                    for (int i = 0; i < plot.getRangeAxisCount(); i++) {
                        checkAxisLabel(plot.getRangeAxis(i), vertical ? data.getCenterY() : data.getCenterX(),
                                vertical ? canvas.getHeight() : canvas.getWidth(), where, cut, checked);
                    }
                    for (int i = 0; i < plot.getDomainAxisCount(); i++) {
                        checkAxisLabel(plot.getDomainAxis(i), vertical ? data.getCenterX() : data.getCenterY(),
                                vertical ? canvas.getWidth() : canvas.getHeight(), where, cut, checked);
                    }
                }
            }
        });
        assertEquals(List.of(), cut, "axis labels that run past their chart");
        assertTrue(checked.get() >= 3 * 10, "axis labels were checked: " + checked.get());
    }

    private static void checkAxisLabel(org.jfree.chart.axis.Axis axis, double centre, double room, String where,
                                       List<String> cut, AtomicInteger checked) {
        if (axis == null || !axis.isVisible() || axis.getLabel() == null || axis.getLabel().isEmpty()) {
            return;
        }
        java.awt.Font f = axis.getLabelFont();
        Text t = new Text(axis.getLabel());
        t.setFont(javafx.scene.text.Font.font(f.getSize2D()));
        double half = t.getLayoutBounds().getWidth() / 2;
        checked.incrementAndGet();
        if (centre - half < 0 || centre + half > room) {
            cut.add(where + "'" + axis.getLabel() + "' spans " + Math.round(centre - half) + ".." + Math.round(centre + half)
                    + " in 0.." + Math.round(room));
        }
    }

    /** A chart pane's title, its plot's axis labels and its subtitles' axis labels (colour scales). */
    private static List<String> chartTexts(ChartPane pane) {
        List<String> texts = new ArrayList<>();
        texts.add(((Label) pane.lookup(".chart-title")).getText());
        org.jfree.chart.JFreeChart chart = pane.chart();
        if (chart.getTitle() != null) {
            texts.add(chart.getTitle().getText());
        }
        List<org.jfree.chart.axis.Axis> axes = new ArrayList<>();
        if (chart.getPlot() instanceof org.jfree.chart.plot.XYPlot xy) {
            for (int i = 0; i < xy.getDomainAxisCount(); i++) {
                axes.add(xy.getDomainAxis(i));
            }
            for (int i = 0; i < xy.getRangeAxisCount(); i++) {
                axes.add(xy.getRangeAxis(i));
            }
        } else if (chart.getPlot() instanceof org.jfree.chart.plot.CategoryPlot cat) {
            for (int i = 0; i < cat.getDomainAxisCount(); i++) {
                axes.add(cat.getDomainAxis(i));
            }
            for (int i = 0; i < cat.getRangeAxisCount(); i++) {
                axes.add(cat.getRangeAxis(i));
            }
        }
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            if (chart.getSubtitle(i) instanceof org.jfree.chart.title.PaintScaleLegend legend) {
                axes.add(legend.getAxis());
            }
        }
        for (org.jfree.chart.axis.Axis axis : axes) {
            if (axis != null && axis.getLabel() != null && !axis.getLabel().isEmpty()) {
                texts.add(axis.getLabel());
            }
        }
        return texts;
    }

    /**
     * Why {@code text} may not render in every font, or null: a phonetic-extension letter (ᵢ ⱼ ᵀ), a letter
     * subscript (ₐ…ₜ), a combining mark, or an ASCII subscript after σ ("σ_i"). Digit subscripts (σ₁, W₀) are in
     * every UI font and fine.
     */
    private static String oddGlyph(String text) {
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int type = Character.getType(cp);
            if ((cp >= 0x1D00 && cp <= 0x1DBF) || (cp >= 0x2090 && cp <= 0x209C) || cp == 0x2C7C) {
                return String.format("has the modifier letter U+%04X", cp);
            }
            if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                    || type == Character.COMBINING_SPACING_MARK) {
                return String.format("has the combining mark U+%04X", cp);
            }
            i += Character.charCount(cp);
        }
        return text.matches(".*σ_[a-z].*") ? "writes a subscript as σ_x" : null;
    }

    /**
     * Every enabled button of every tab has readable text in both themes (WCAG contrast ≥ 3 between its text and
     * the middle of its face): in the dark theme the default buttons (Quantize's Analyse, Subspaces' Compare) kept
     * Modena's light blue face under the theme's light text, contrast ~1.5.
     */
    @Test
    void everyButtonIsReadableInBothThemes(FxRobot robot) {
        List<String> faint = new ArrayList<>();
        AtomicInteger checked = new AtomicInteger();
        AtomicInteger defaults = new AtomicInteger();
        for (Theme theme : Theme.values()) {
            robot.interact(() -> window.vm.themeProperty().set(theme));
            for (Tab tab : List.copyOf(window.view.tabs().getTabs())) {
                robot.interact(() -> window.view.tabs().getSelectionModel().select(tab));
                WaitForAsyncUtils.waitForFxEvents();
                robot.interact(() -> {
                    for (Node n : tab.getContent().lookupAll(".button")) {
                        if (!(n instanceof javafx.scene.control.Button b) || b.isDisabled() || !shown(b)
                                || b.getBackground() == null || b.getBackground().getFills().isEmpty()) {
                            continue;
                        }
                        Text text = ownText(b);
                        if (text == null || !(text.getFill() instanceof Color fg)) {
                            continue;
                        }
                        Color face = middle(b.getBackground().getFills().get(b.getBackground().getFills().size() - 1).getFill());
                        double ratio = contrast(fg, face);
                        checked.incrementAndGet();
                        if (b.isDefaultButton()) {
                            defaults.incrementAndGet();
                        }
                        if (ratio < 3) {
                            faint.add(theme + ", tab " + tab.getText() + ": '" + b.getText() + "' " + fg + " on " + face
                                    + ", contrast " + String.format(java.util.Locale.ROOT, "%.2f", ratio));
                        }
                    }
                });
            }
        }
        robot.interact(() -> window.vm.themeProperty().set(Theme.LIGHT));
        assertEquals(List.of(), faint, "buttons with faint text");
        assertTrue(checked.get() >= 20 && defaults.get() >= 2, "buttons were checked: " + checked + ", default " + defaults);
    }

    /** A fill's colour at its middle (a gradient's stops averaged). */
    private static Color middle(Paint paint) {
        if (paint instanceof Color c) {
            return c;
        }
        List<javafx.scene.paint.Stop> stops = paint instanceof javafx.scene.paint.LinearGradient g ? g.getStops()
                : ((javafx.scene.paint.RadialGradient) paint).getStops();
        double r = 0;
        double gr = 0;
        double bl = 0;
        for (javafx.scene.paint.Stop stop : stops) {
            r += stop.getColor().getRed();
            gr += stop.getColor().getGreen();
            bl += stop.getColor().getBlue();
        }
        return Color.color(r / stops.size(), gr / stops.size(), bl / stops.size());
    }

    /** WCAG contrast ratio of two colours. */
    private static double contrast(Color a, Color b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static double luminance(Color c) {
        return 0.2126 * linear(c.getRed()) + 0.7152 * linear(c.getGreen()) + 0.0722 * linear(c.getBlue());
    }

    private static double linear(double v) {
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
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

    /**
     * The Compare and Series tabs' hints lie over their empty charts; they were bare text with axes and grid
     * lines running through the words. They are cards now: an opaque background behind the whole text. The Budget
     * tab's Quality vs size chart (Model panel) and the Subspaces tab's two charts showed bare axes until there was
     * something to draw; they have such cards too.
     */
    @Test
    void hintsOverEmptyChartsAreCards(FxRobot robot) {
        for (String[] tabAndHint : new String[][] {{"Compare", "#compare-empty"}, {"Series", "#series-empty"},
                {"Budget", "#model-quality-empty"}, {"Subspaces", "#subspaces-angles-empty"},
                {"Subspaces", "#subspaces-group-empty"}}) {
            window.selectTab(robot, tabAndHint[0]);
            robot.interact(() -> {
                Label hint = (Label) window.view.tabs().getSelectionModel().getSelectedItem().getContent().lookup(tabAndHint[1]);
                assertTrue(hint != null && hint.isVisible(), tabAndHint[0] + ": the hint shows while the charts are empty");
                Background background = hint.getBackground();
                assertTrue(background != null && !background.getFills().isEmpty(), tabAndHint[0] + ": the hint has a background");
                Paint fill = background.getFills().get(0).getFill();
                assertTrue(fill instanceof Color c && c.getOpacity() > 0.9, tabAndHint[0] + ": the background is opaque: " + fill);
            });
        }
    }

    /**
     * A narrow chart pane (the Compare tab's three charts at 1280×800) once squeezed its title beside the
     * buttons into a column one letter wide ("u d e r s p e r l a y e r"): every title is at least as
     * wide as its widest word, so it wraps between words only.
     */
    @Test
    void noChartTitleBreaksAWordOnAnyTab(FxRobot robot) {
        int checked = forEveryVisibleChartTitle(robot, (where, title) -> {
            double widest = widestWord(title);
            assertTrue(title.getWidth() + 1 >= widest, where + ": chart title '" + title.getText() + "' is "
                    + title.getWidth() + " px wide, narrower than its widest word (" + widest + " px)");
        });
        assertTrue(checked > 0, "chart titles were found");
    }

    private static double widestWord(Label label) {
        double widest = 0;
        for (String word : label.getText().split("\\s+")) {
            Text t = new Text(word);
            t.setFont(label.getFont());
            widest = Math.max(widest, t.getLayoutBounds().getWidth());
        }
        return widest + label.getPadding().getLeft() + label.getPadding().getRight();
    }

    /**
     * The tab headers inside a tab (the Subspaces charts' "Principal angles | Group spectrum", the Quantize charts'
     * "σ(E) of the selected matrix | Quality vs rank" beside the analysed layer map) lie inside their tab pane and
     * clear of its overflow button:
     * they were cut ("Group spectru") with an overflow arrow at 1280×800.
     */
    @Test
    void noInnerTabHeaderIsCutOnAnyTab(FxRobot robot) {
        List<String> cut = new ArrayList<>();
        AtomicInteger checked = new AtomicInteger();
        onEveryTabAtEverySize(robot, (size, tab) -> {
            for (Node header : tab.getContent().lookupAll(".tab")) {
                javafx.scene.control.TabPane owner = ownerTabPane(header);
                if (owner == null || !shown(header)) {
                    continue;
                }
                checked.incrementAndGet();
                Bounds b = header.localToScene(header.getLayoutBounds());
                Bounds pane = owner.localToScene(owner.getLayoutBounds());
                // the overflow menu button (shown when the headers do not fit) lies over the last header
                Node more = owner.lookup(".control-buttons-tab");
                double end = more != null && shown(more) && more.getLayoutBounds().getWidth() > 0
                        ? more.localToScene(more.getLayoutBounds()).getMinX() : pane.getMaxX();
                if (b.getMaxX() > end + 1) {
                    Label text = (Label) header.lookup(".tab-label");
                    cut.add(size[0] + "×" + size[1] + ", tab " + tab.getText() + ": the header '"
                            + (text == null ? "?" : text.getText()) + "' ends at " + b.getMaxX()
                            + ", its tab pane's header row at " + end);
                }
            }
        });
        assertEquals(List.of(), cut, "inner tab headers cut");
        assertTrue(checked.get() >= 3 * 6, "inner tab headers were checked: " + checked.get());
    }

    private static javafx.scene.control.TabPane ownerTabPane(Node n) {
        for (Parent p = n.getParent(); p != null; p = p.getParent()) {
            if (p instanceof javafx.scene.control.TabPane tp) {
                return tp;
            }
        }
        return null;
    }

    /** Whether {@code n} and every parent of it are visible. */
    private static boolean shown(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible()) {
                return false;
            }
        }
        return true;
    }

    @Test
    void noChartTitleIsCutOnAnyTab(FxRobot robot) {
        forEveryVisibleChartTitle(robot, (where, title) -> {
            Text shown = (Text) title.lookup(".text");
            assertEquals(title.getText(), shown == null ? "" : shown.getText(), where + ": chart title cut");
        });
        assertTrue(window.view.tabs().getTabs().size() >= 6, "every tab was visited");
    }

    /**
     * Buttons, labels and check boxes of every tab show their whole text at 1280×800 and up (the Metrics
     * table's toolbar showed "…", "Export …", "3…" for Copy, Export CSV…, "30 rows"; the Budget form
     * "at dty…", "layers f…", "max rank (0 = n…"). Table and list cells and the chart read-out may elide.
     */
    @Test
    void noControlTextIsElidedOnAnyTab(FxRobot robot) {
        AtomicInteger checked = new AtomicInteger();
        List<String> elided = new ArrayList<>();
        for (int[] size : SIZES) {
            resize(robot, size[0], size[1]);
            for (Tab tab : List.copyOf(window.view.tabs().getTabs())) {
                robot.interact(() -> window.view.tabs().getSelectionModel().select(tab));
                WaitForAsyncUtils.waitForFxEvents();
                robot.interact(() -> {
                    List<Labeled> controls = new ArrayList<>();
                    collectLabeled(tab.getContent(), controls);
                    for (Labeled c : controls) {
                        Text shown = ownText(c);
                        if (shown != null && c.getText() != null && !c.getText().isEmpty()) {
                            if (!c.getText().equals(shown.getText())) {
                                elided.add(size[0] + "×" + size[1] + ", tab " + tab.getText() + ": "
                                        + c.getClass().getSimpleName() + " '" + c.getText() + "' shows '" + shown.getText() + "'");
                            }
                            checked.incrementAndGet();
                        }
                    }
                });
            }
        }
        assertEquals(List.of(), elided, "texts elided");
        assertTrue(checked.get() > 20, "controls were found");
    }

    /** The text node a Labeled's skin shows its own text in (not one of a titled pane's content), or null. */
    private static Text ownText(Labeled c) {
        for (Node child : c.getChildrenUnmodifiable()) {
            if (child instanceof Text t) {
                return t;
            }
        }
        return null;
    }

    /** The shown Labeled controls under {@code node}, except cells (their own scroll) and chart read-outs. */
    private static void collectLabeled(Node node, List<Labeled> out) {
        if (!node.isVisible() || node instanceof Cell<?> || node.getStyleClass().contains("chart-readout")) {
            return;
        }
        if (node instanceof Labeled l && l.getScene() != null && l.getWidth() > 0) {
            out.add(l);
        }
        if (node instanceof Parent p) {
            for (Node child : p.getChildrenUnmodifiable()) {
                collectLabeled(child, out);
            }
        }
    }

    /**
     * At every size, on every tab, runs {@code check} (FX thread) on each shown chart title with a
     * "W×H, tab T" description; returns how many titles were checked.
     */
    private int forEveryVisibleChartTitle(FxRobot robot, BiConsumer<String, Label> check) {
        AtomicInteger checked = new AtomicInteger();
        onEveryTabAtEverySize(robot, (size, tab) -> {
            for (Node n : tab.getContent().lookupAll(".chart-title")) {
                if (n instanceof Label title && title.isVisible() && title.getScene() != null && title.getWidth() > 0) {
            check.accept(size[0] + "×" + size[1] + ", tab " + tab.getText(), title);
            checked.incrementAndGet();
                }
            }
        });
        return checked.get();
    }

    /** At every size, shows every centre tab, lays the window out and runs {@code check} on the FX thread. */
    private void onEveryTabAtEverySize(FxRobot robot, BiConsumer<int[], Tab> check) {
        for (int[] size : SIZES) {
            resize(robot, size[0], size[1]);
            for (Tab tab : List.copyOf(window.view.tabs().getTabs())) {
                robot.interact(() -> window.view.tabs().getSelectionModel().select(tab));
                WaitForAsyncUtils.waitForFxEvents();
                robot.interact(() -> window.view.root().getScene().getRoot().layout());
                WaitForAsyncUtils.waitForFxEvents();
                robot.interact(() -> check.accept(size, tab));
            }
        }
    }

    /**
     * The empty Series tab said how to open a series three times: in the list, in the card over the charts
     * and in the status line; the empty Compare tab said "Choose a base and a tuned checkpoint" in the card and
     * in the status line. The card says it, once.
     */
    @Test
    void theSeriesAndCompareTabsSayHowToStartOnce(FxRobot robot) {
        for (String[] tabCardWords : new String[][] {{"Series", "#series-empty", "Open Series"},
                {"Compare", "#compare-empty", "Choose a base"}}) {
            window.selectTab(robot, tabCardWords[0]);
            robot.interact(() -> {
                Node content = window.view.tabs().getSelectionModel().getSelectedItem().getContent();
                List<Labeled> shown = new ArrayList<>();
                collectLabeled(content, shown);
                List<String> saying = shown.stream().map(Labeled::getText).filter(t -> t.contains(tabCardWords[2])).toList();
                assertEquals(1, saying.size(), tabCardWords[0] + ": texts that say how to start: " + saying);
                assertTrue(content.lookup(tabCardWords[1]).isVisible(), tabCardWords[0] + ": the card says it");
            });
        }
    }

    /**
     * Before anything is analysed the Quantize tab's layer map was an empty box; like the other tabs' empty
     * views it now holds one hint line (the shared placeholder look), wrapped inside the box at every size.
     */
    @Test
    void theEmptyQuantizeLayerMapSaysWhatToDo(FxRobot robot) {
        window.selectTab(robot, "Quantize");
        for (int[] size : SIZES) {
            resize(robot, size[0], size[1]);
            robot.interact(() -> {
                ScrollPane box = quantize.content().lookupAll(".scroll-pane").stream()
                        .filter(n -> n instanceof ScrollPane sp && sp.getContent() instanceof javafx.scene.layout.GridPane)
                        .map(ScrollPane.class::cast).findFirst().orElseThrow();
                List<Labeled> inside = new ArrayList<>();
                collectLabeled(box.getContent(), inside);
                String where = size[0] + "×" + size[1] + ": ";
                assertEquals(1, inside.size(), where + "one hint in the empty layer map: " + inside);
                Labeled hint = inside.get(0);
                assertTrue(hint.getText().startsWith("Analyse"), where + hint.getText());
                assertTrue(hint.getStyleClass().contains("placeholder"), where + "the hint looks like the other tabs' hints");
                Text shown = ownText(hint);
                assertEquals(hint.getText(), shown == null ? "" : shown.getText(), where + "the hint is shown whole");
                Bounds b = hint.localToScene(hint.getLayoutBounds());
                Bounds view = box.localToScene(box.getLayoutBounds());
                assertTrue(b.getMinX() >= view.getMinX() && b.getMaxX() <= view.getMaxX() + 1
                        && b.getMaxY() <= view.getMaxY() + 1, where + "the hint lies inside the box: " + b + " in " + view);
                // the empty error-spectrum chart beside it says what to do too (it showed bare axes)
                Node card = quantize.content().lookup("#compensate-spectrum-empty");
                assertTrue(card != null && card.isVisible(), where + "a hint card over the empty error spectrum");
                assertTrue(((Labeled) card).getStyleClass().contains("overlay-hint"), where + "the card look");
                // the map and the charts share the width until a map needs more (a first layout pass once gave the
                // empty map most of it)
                Parent split = box.getParent();
                while (!(split instanceof javafx.scene.control.SplitPane)) {
                    split = split.getParent();
                }
                assertEquals(0.5, ((javafx.scene.control.SplitPane) split).getDividerPositions()[0], 0.01,
                        where + "the divider of the empty map");
            });
        }
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
        robot.interact(() -> {
            // the layer map's columns come in the Layer map tab's order (they were alphabetical: down, k, o, q, …)
            javafx.scene.layout.GridPane map = (javafx.scene.layout.GridPane) ((ScrollPane) quantize.content()
                    .lookup("#compensate-layermap")).getContent();
            List<dev.rankscope.analysis.naming.ModuleType> columns = map.getChildren().stream()
                    .filter(n -> javafx.scene.layout.GridPane.getRowIndex(n) == 0)
                    .sorted(java.util.Comparator.comparing(javafx.scene.layout.GridPane::getColumnIndex))
                    .map(n -> dev.rankscope.analysis.naming.ModuleType.fromLabel(((Label) n).getText())).toList();
            assertTrue(columns.size() >= 4, columns.toString());
            assertEquals(columns.stream().sorted().toList(), columns, "the Quantize layer map's column order");
        });
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
                assertTheLayerMapIsWholeInView(size);
            });
        }
    }

    /**
     * The analysed layer map (eight module columns: q … down, lm_head) shows every column and every value whole
     * without a sideways scroll bar: at 1280×800 its ~290 px pane scrolled sideways. The charts beside it keep a
     * readable width. FX thread.
     */
    private void assertTheLayerMapIsWholeInView(int[] size) {
        String where = size[0] + "×" + size[1] + ", Quantize layer map: ";
        ScrollPane box = (ScrollPane) quantize.content().lookup("#compensate-layermap");
        javafx.scene.layout.GridPane map = (javafx.scene.layout.GridPane) box.getContent();
        double columns = map.getChildren().stream().filter(n -> javafx.scene.layout.GridPane.getRowIndex(n) == 0).count();
        assertTrue(columns >= 8, where + "module columns " + columns);
        assertTrue(map.getWidth() <= box.getViewportBounds().getWidth(),
                where + "the map is " + map.getWidth() + " px wide in a " + box.getViewportBounds().getWidth() + " px view");
        for (Node bar : box.lookupAll(".scroll-bar")) {
            if (bar instanceof javafx.scene.control.ScrollBar sb && sb.getOrientation() == javafx.geometry.Orientation.HORIZONTAL
                    && sb.getParent() == box) {
                assertTrue(!sb.isVisible(), where + "a sideways scroll bar shows");
            }
        }
        Bounds view = box.localToScene(box.getLayoutBounds());
        int values = 0;
        for (Node n : map.getChildren()) {
            if (n instanceof Labeled l && l.getText() != null && !l.getText().isEmpty()) {
                Text shown = ownText(l);
                assertEquals(l.getText(), shown == null ? "" : shown.getText(), where + "a cell is shortened");
                Bounds b = l.localToScene(l.getLayoutBounds());
                assertTrue(b.getMaxX() <= view.getMaxX() + 1, where + "'" + l.getText() + "' ends at " + b.getMaxX()
                        + ", the view at " + view.getMaxX());
                values++;
            }
        }
        assertTrue(values >= 8 * 4, where + "cells and headers were checked: " + values);
        Node charts = quantize.content().lookup("#compensate-charts");
        assertTrue(charts.getLayoutBounds().getWidth() >= 240, where + "the charts beside it are "
                + charts.getLayoutBounds().getWidth() + " px wide");
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
