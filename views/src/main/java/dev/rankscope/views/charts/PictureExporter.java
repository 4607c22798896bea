package dev.rankscope.views.charts;

import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.io.ProtectedInputs;
import dev.rankscope.views.fx.BackgroundRunner;
import dev.rankscope.application.render.ChartExport;
import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.render.Picture;
import dev.rankscope.application.render.RasterPicture;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.DialogService;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.image.Image;
import javafx.scene.image.PixelFormat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Collection;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one export action every chart and picture in the workbench uses ("every chart
 * exports to PNG and SVG at a chosen size"): asks for the size (prefilled with the on-screen
 * size, see {@link DialogService#chooseChartSize}) and the file, draws the {@link Picture} on the
 * FX thread (a chart on screen is not thread-safe) through {@link ChartExport}, then encodes the
 * drawn image (PNG) and writes the bytes on the work executor through {@link AtomicFileWriter}, so
 * a large PNG never stalls the UI. A failure shows one dialog naming the file.
 *
 * <p>FX thread only.
 */
public final class PictureExporter {
    /** Size used when a picture has not been laid out yet. */
    public static final ChartSize DEFAULT_SIZE = new ChartSize(800, 600);

    /** The two export formats. */
    public enum Format {
        PNG, SVG;

        /** File extension without the dot. */
        public String extension() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final System.Logger LOG = System.getLogger(PictureExporter.class.getName());

    private final DialogService dialogs;
    private final WorkbenchExecutors executors;
    private final Function<BufferedImage, byte[]> pngEncoder;
    private final Supplier<? extends Collection<Path>> inputs;

    /**
     * A picture exporter that knows no inputs (pictures of generated data).
     *
     * @param executors work: encodes and writes the files; ui: shows failures
     */
    public PictureExporter(DialogService dialogs, WorkbenchExecutors executors) {
        this(dialogs, executors, ChartExport::encodePng, List::<Path>of);
    }

    /**
     * @param executors work: encodes and writes the files; ui: shows failures
     * @param inputs    the open inputs (checkpoints) no picture may be written onto or into
     *                  ({@link ProtectedInputs}); read when a picture is written
     */
    public PictureExporter(DialogService dialogs, WorkbenchExecutors executors, Supplier<? extends Collection<Path>> inputs) {
        this(dialogs, executors, ChartExport::encodePng, inputs);
    }

    /** With a PNG encoder of one's own (tests observe which thread encodes). */
    PictureExporter(DialogService dialogs, WorkbenchExecutors executors, Function<BufferedImage, byte[]> pngEncoder) {
        this(dialogs, executors, pngEncoder, List::<Path>of);
    }

    private PictureExporter(DialogService dialogs, WorkbenchExecutors executors, Function<BufferedImage, byte[]> pngEncoder,
                            Supplier<? extends Collection<Path>> inputs) {
        this.dialogs = Objects.requireNonNull(dialogs);
        this.executors = Objects.requireNonNull(executors);
        this.pngEncoder = Objects.requireNonNull(pngEncoder);
        this.inputs = Objects.requireNonNull(inputs);
    }

    /**
     * Asks for the size and the file, then exports; does nothing when either dialog is cancelled.
     *
     * @param fileStem suggested file name without extension
     * @param onScreen the prefilled size
     * @param picture  what to draw; null (nothing shown yet) explains that there is nothing to export
     */
    public void export(Format format, String fileStem, ChartSize onScreen, Supplier<Picture> picture) {
        String what = "Export as " + format.name();
        Picture p = picture.get();
        if (p == null) {
            dialogs.showError(what, "There is nothing to export yet: this picture is empty.");
            return;
        }
        dialogs.chooseChartSize(what, onScreen)
                .ifPresent(size -> dialogs.chooseSaveFile(what, fileStem + "." + format.extension(), format.extension())
                        .ifPresent(target -> exportTo(target, format, size, p)));
    }

    /**
     * Draws {@code picture} at {@code size} now, on the calling thread (the FX thread: a chart on
     * screen must not be drawn elsewhere), then encodes that snapshot and writes it to {@code target}
     * on the work executor: a PNG of exactly {@code size} pixels, or an SVG document whose
     * {@code width} and {@code height} attributes are {@code size}. A failure to encode or write is
     * one dialog naming the file, shown on the UI executor.
     */
    public void exportTo(Path target, Format format, ChartSize size, Picture picture) {
        Supplier<byte[]> encode;
        if (format == Format.PNG) {
            BufferedImage image = ChartExport.render(picture, size);
            encode = () -> pngEncoder.apply(image);
        } else {
            String svg = ChartExport.svg(picture, size);
            encode = () -> ChartExport.svgDocument(svg);
        }
        List<Path> protectedInputs = List.copyOf(inputs.get());
        new BackgroundRunner(executors, dialogs).work(() -> {
                    ProtectedInputs.writer(protectedInputs).writeBytes(target, encode.get());
                    return target;
                })
                .onFailure("Cannot export the picture", target)
                .start();
    }

    /** "Export as PNG…" and "Export as SVG…" items for a context menu. */
    public List<MenuItem> menuItems(String idPrefix, String fileStem, Supplier<ChartSize> onScreen,
                                    Supplier<Picture> picture) {
        return java.util.Arrays.stream(Format.values()).map(f -> {
            MenuItem item = new MenuItem("Export as " + f.name() + "…");
            item.setId(idPrefix + "-export-" + f.extension());
            item.setOnAction(e -> export(f, fileStem, onScreen.get(), picture));
            return item;
        }).toList();
    }

    /**
     * Gives {@code node} a context menu with the export items; the prefilled size is the node's
     * laid-out size. Returns the menu (ids {@code <node id>-export-png}/{@code -svg}).
     */
    public ContextMenu install(Node node, String fileStem, Supplier<Picture> picture) {
        ContextMenu menu = new ContextMenu();
        menu.getItems().setAll(menuItems(node.getId() == null ? "picture" : node.getId(), fileStem,
                () -> onScreen(node), picture));
        node.setOnContextMenuRequested(e -> {
            menu.show(node, e.getScreenX(), e.getScreenY());
            e.consume();
        });
        return menu;
    }

    /** {@code node}'s laid-out size as a valid chart size ({@link #DEFAULT_SIZE} before layout). */
    public static ChartSize onScreen(Node node) {
        Bounds b = node.getLayoutBounds();
        return ChartSizeForm.fit(b.getWidth(), b.getHeight(), DEFAULT_SIZE);
    }

    /**
     * A picture of a JavaFX image (a heatmap whose pixels are cells), scaled without smoothing,
     * under {@code caption}. Reads the pixels now (FX thread); null when there is no image yet.
     */
    public static Picture raster(Image image, String caption) {
        if (image == null || image.getPixelReader() == null) {
            return null;
        }
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        int[] argb = new int[w * h];
        image.getPixelReader().getPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), argb, 0, w);
        return new RasterPicture(argb, w, h, caption);
    }
}
