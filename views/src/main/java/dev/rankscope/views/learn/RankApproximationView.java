package dev.rankscope.views.learn;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.views.charts.PictureExporter;
import dev.rankscope.views.fx.FittedImage;
import dev.rankscope.views.fx.KeptTogether;
import dev.rankscope.views.fx.SideOrBelow;
import dev.rankscope.views.service.DialogService;
import dev.rankscope.views.spectrum.ChartPane;
import dev.rankscope.views.spectrum.DecadeLogAxis;
import javafx.beans.property.ObjectProperty;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Learn ▸ Rank-k approximation (Eckart &amp; Young 1936, SPEC §4): pick a bundled image, an image file
 * or the selected checkpoint matrix; the rank slider shows A_k, the residual A − A_k, the spectrum
 * with the cut, retained energy, the Eckart-Young error and the storage cost. FX thread only.
 */
public final class RankApproximationView extends BorderPane {
    private static final String SELECTED = "Selected checkpoint matrix";
    private static final double IMAGE_SIZE = 200;

    private final RankApproximationViewModel vm;
    private final ImageView original = image("learn-original");
    private final ImageView reconstruction = image("learn-reconstruction");
    private final ImageView residual = image("learn-residual");
    private final Label stats = new Label();
    private final ValueMarker cut = new ValueMarker(1, new Color(0xd6, 0x27, 0x28), new BasicStroke(1.5f));
    private final XYSeriesCollection sigmaData = new XYSeriesCollection();
    private final Slider slider = new Slider(1, 1, 1);
    private double[] originalRange = {0, 1};

    public RankApproximationView(RankApproximationViewModel vm, ObjectProperty<SelectedLayer> selected,
                                 DialogService dialogs, PictureExporter exporter, Consumer<String> openUrl) {
        this.vm = vm;
        setId("learn-rank-k");
        exporter.install(original, "rank-k-original", () -> PictureExporter.raster(original.getImage(), "original A"));
        exporter.install(reconstruction, "rank-k-reconstruction",
                () -> PictureExporter.raster(reconstruction.getImage(), "rank-k approximation A_k"));
        exporter.install(residual, "rank-k-residual", () -> PictureExporter.raster(residual.getImage(), "residual A − A_k"));
        setTop(LearnPanels.header("learn-rank-k", "Rank-k approximation",
                "Every matrix is a sum of rank-one layers σᵢ·uᵢ·vᵢᵀ, ordered by importance. Keeping the first k "
                        + "gives the best rank-k approximation there is (Eckart-Young): the error is exactly the energy "
                        + "of the singular values you drop. Storing the two thin factors costs k(m+n) numbers instead "
                        + "of mn, which only pays off below the break-even rank mn/(m+n).",
                "A_{k} = Σ_{i≤k} σ_{i} u_{i} v_{i}^{T},   ‖A − A_{k}‖_{F} / ‖A‖_{F} = √( Σ_{i>k} σ_{i}^{2} / Σ_{i} σ_{i}^{2} ),   "
                        + "cost k(m+n) < mn  ⇔  k < mn/(m+n)",
                Citation.ECKART_YOUNG, openUrl));

        List<LearnImages.Example> examples = ImageMatrices.bundled();
        if (examples.isEmpty()) {
            examples = LearnImages.examples(256);
        }
        ComboBox<Object> source = new ComboBox<>();
        source.setId("learn-source");
        source.getItems().addAll(examples);
        source.getItems().add(SELECTED);
        Button open = new Button("Open image…");
        open.setId("learn-open-image");
        open.setOnAction(e -> openImage(dialogs, source));
        source.valueProperty().addListener((obs, o, n) -> {
            if (n instanceof LearnImages.Example ex) {
                vm.setSource(ex.name(), ex.pixels());
            } else if (SELECTED.equals(n)) {
                SelectedLayer layer = selected.get();
                if (layer == null) {
                    vm.statusProperty().set("Open a checkpoint and select a matrix in the explorer first.");
                } else {
                    vm.setSource(layer.name(), layer.loader());
                }
            }
        });

        slider.setId("learn-rank-slider");
        slider.setMajorTickUnit(1);
        slider.setBlockIncrement(1);
        slider.setSnapToTicks(false);
        HBox.setHgrow(slider, Priority.ALWAYS);
        slider.maxProperty().bind(vm.maxRankProperty());
        slider.valueProperty().addListener((obs, o, n) -> vm.rankProperty().set((int) Math.round(n.doubleValue())));
        vm.rankProperty().addListener((obs, o, n) -> {
            if ((int) Math.round(slider.getValue()) != n.intValue()) {
                slider.setValue(n.intValue());
            }
        });
        Label rankLabel = new Label();
        rankLabel.setId("learn-rank-label");
        rankLabel.setMinWidth(70);
        rankLabel.textProperty().bind(vm.rankProperty().asString("k = %d"));
        Label status = new Label();
        status.textProperty().bind(vm.statusProperty());
        Label sourceLabel = new Label("Source");
        Label rankName = new Label("Rank");
        // the source and the rank slider each stay whole; in a narrow window the rank goes on a second line
        // (in one squeezed row the source read "Gradie…" and the slider was 40 px long)
        slider.setPrefWidth(220);
        HBox rankGroup = KeptTogether.group(null, rankName, slider, rankLabel);
        FlowPane controls = KeptTogether.wrapping(KeptTogether.group(null, sourceLabel, source, open), rankGroup);
        controls.setPadding(new Insets(4, 8, 4, 8));

        // three images that shrink together in a narrow window (at 1280 px the third one ran off the side)
        HBox images = new HBox(10, captioned("Original A", original), captioned("Rank-k A_k", reconstruction),
                captioned("Residual A − A_k", residual));
        images.setPadding(new Insets(4, 8, 4, 8));

        stats.setId("learn-rank-stats");
        stats.setStyle("-fx-font-family: monospace;");
        stats.setWrapText(true);
        ChartPane chart = new ChartPane("learn-sigma-chart", "Singular values (cut at k)", sigmaChart(),
                "rank-k-spectrum", exporter);
        chart.setPrefHeight(240);
        VBox.setVgrow(chart, Priority.ALWAYS);
        stats.setMinWidth(0);
        stats.setMinHeight(Region.USE_PREF_SIZE);
        stats.setPrefWidth(280);
        // the numbers beside the chart in a wide window, under it in a narrow one (they were cut at the side)
        SideOrBelow bottom = new SideOrBelow(chart, stats, chart, 300);
        VBox centre = new VBox(4, controls, status, images, bottom);
        VBox.setVgrow(bottom, Priority.ALWAYS);
        setCenter(centre);

        vm.approximationProperty().addListener((obs, o, a) -> {
            if (a != null) {
                showSpectrum(a.sigma());
                Matrix orig = a.original();
                double[] r = LearnPanels.range(orig);
                originalRange = r;
                original.setImage(LearnPanels.grayscale(orig, r[0], r[1]));
            }
        });
        vm.frameProperty().addListener((obs, o, f) -> show(f));
        source.getSelectionModel().selectFirst();
    }

    private void openImage(DialogService dialogs, ComboBox<Object> source) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open an image (shown in grayscale)");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Images", "*.png", "*.jpg", "*.jpeg"));
        File file = chooser.showOpenDialog(getScene() == null ? null : getScene().getWindow());
        if (file == null) {
            return;
        }
        vm.openImage(file.toPath(), dialogs, ex -> {
            source.getItems().add(source.getItems().size() - 1, ex);
            source.getSelectionModel().select(ex);
        });
    }

    private void show(RankApproximationViewModel.Frame f) {
        if (f == null) {
            return;
        }
        double[] r = originalRange;
        reconstruction.setImage(LearnPanels.grayscale(f.reconstruction(), r[0], r[1]));
        residual.setImage(LearnPanels.signed(f.residual(), Math.max(1e-12, r[1] - r[0]) / 2));
        cut.setValue(f.rank() + 0.5);
        long dense = vm.denseCostProperty().get();
        long factors = vm.factorCostProperty().get();
        double be = vm.breakEvenProperty().get();
        stats.setText(String.format(Locale.ROOT,
                "rank k            %d of %d%n"
                        + "retained energy   %.4f%n"
                        + "Eckart-Young err  %.4f%n"
                        + "measured error    %.4f%n"
                        + "factor cost k(m+n) %,d%n"
                        + "dense cost mn     %,d%n"
                        + "kept ratio        %.3f%n"
                        + "break-even rank   %.2f%n"
                        + "%s",
                f.rank(), vm.maxRankProperty().get(), f.retainedEnergy(), f.eckartYoungError(), f.measuredError(),
                factors, dense, (double) factors / dense, be,
                f.rank() < be ? "→ factorising saves memory" : "→ at/above break-even: keep it dense"));
    }

    private JFreeChart sigmaChart() {
        LogAxis y = new DecadeLogAxis("singular value σ");
        y.setSmallestValue(1e-12);
        NumberAxis x = new NumberAxis("index i");
        x.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, new Color(0x1f, 0x77, 0xb4));
        XYPlot plot = new XYPlot(sigmaData, x, y, r);
        plot.addDomainMarker(cut);
        return LearnPanels.whiteChart(new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, false));
    }

    private void showSpectrum(double[] sigma) {
        XYSeries s = new XYSeries("σ", false, true);
        // values below σ₁·1e-10 are rounding noise of an exactly low-rank matrix: not plotted on the log axis
        double floor = sigma.length == 0 ? 1 : Math.max(sigma[0] * 1e-10, Double.MIN_NORMAL);
        for (int i = 0; i < sigma.length; i++) {
            if (sigma[i] > floor) {
                s.add(i + 1, sigma[i]);
            }
        }
        sigmaData.removeAllSeries();
        sigmaData.addSeries(s);
    }

    private static ImageView image(String id) {
        ImageView v = new ImageView();
        v.setId(id);
        v.setFitWidth(IMAGE_SIZE);
        v.setFitHeight(IMAGE_SIZE);
        v.setPreserveRatio(true);
        v.setSmooth(false);
        return v;
    }

    /** A caption over an image that shrinks with the window. */
    private static Node captioned(String text, ImageView image) {
        Label l = new Label(text);
        l.setStyle("-fx-font-size: 11px;");
        l.setTooltip(new Tooltip(text + (image.getId().equals("learn-residual") ? ": mid-grey is 0" : "")));
        VBox box = new VBox(2, l, new FittedImage(image, IMAGE_SIZE));
        box.setMaxWidth(IMAGE_SIZE);
        HBox.setHgrow(box, Priority.ALWAYS);
        return box;
    }

    /** The rank slider (tests drag it). */
    public Slider rankSlider() {
        return slider;
    }
}
