package dev.rankscope.views.service;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Every dialog the workbench shows goes through this interface (JabRef's DialogService), so
 * ViewModels never touch windows and tests substitute a recording fake. FX thread only.
 */
public interface DialogService {

    /**
     * Shows one error without blocking the caller. {@code message} is one clear sentence that
     * names the file and the problem (a {@code RankscopeException#userMessage()}).
     */
    void showError(String title, String message);

    /** Lets the user pick a checkpoint file; empty when cancelled. */
    Optional<Path> chooseCheckpointFile();

    /** Lets the user pick a checkpoint folder (sharded model, Hugging Face snapshot); empty when cancelled. */
    Optional<Path> chooseCheckpointFolder();

    /**
     * Lets the user pick a folder to write into (an adapter export), under {@code title}; empty when
     * cancelled. The default asks as {@link #chooseCheckpointFolder()} does.
     */
    default Optional<Path> chooseOutputFolder(String title) {
        return chooseCheckpointFolder();
    }

    /**
     * Lets the user pick a UTF-8 text file (calibration or evaluation text), under {@code title}; empty
     * when cancelled. The default asks as {@link #chooseCheckpointFile()} does.
     */
    default Optional<Path> chooseTextFile(String title) {
        return chooseCheckpointFile();
    }

    /**
     * Lets the user pick the folder of a series (File ▸ Open Series…): a folder of checkpoints or
     * the output folder of {@code rankscope sweep}; empty when cancelled. The default, for
     * headless use, picks nothing.
     */
    default Optional<Path> chooseSeriesFolder() {
        return Optional.empty();
    }

    /**
     * Lets the user pick several checkpoint files, or one list file, as a series; empty when
     * cancelled. The default, for headless use, picks nothing.
     */
    default java.util.List<Path> chooseSeriesFiles() {
        return java.util.List.of();
    }

    /**
     * Lets the user choose where to save a file.
     *
     * @param title         dialog title
     * @param suggestedName initial file name, with extension
     * @param extension     extension without the dot ({@code png}, {@code svg}, {@code csv})
     */
    Optional<Path> chooseSaveFile(String title, String suggestedName, String extension);

    /**
     * Lets the user choose the pixel size of an exported chart, starting from {@code onScreen}
     * (the chart's current size); empty when cancelled. The default, for headless use, accepts
     * {@code onScreen} without asking; the FX implementation shows a width/height form with presets.
     *
     * @param title    dialog title ("Export chart as PNG")
     * @param onScreen the prefilled size, already valid
     */
    default Optional<dev.rankscope.application.render.ChartSize> chooseChartSize(String title,
            dev.rankscope.application.render.ChartSize onScreen) {
        return Optional.of(onScreen);
    }

    /**
     * Lets the user pick one cached Hugging Face model snapshot (File ▸ Open from Hugging Face
     * cache) from {@code models} (never empty), found in {@code root}; empty when cancelled. The
     * default, for headless use, picks nothing.
     */
    default Optional<dev.rankscope.engine.hub.HuggingFaceCache.CachedModel> chooseCachedModel(Path root,
            java.util.List<dev.rankscope.engine.hub.HuggingFaceCache.CachedModel> models) {
        return Optional.empty();
    }
}
