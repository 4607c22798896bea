package dev.rankscope.views.testing;

import dev.rankscope.views.service.DialogService;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** Records errors and answers file choosers from a queue; for ViewModel tests. */
public final class FakeDialogService implements DialogService {
    /** One shown error. */
    public record Shown(String title, String message) {
    }

    public final List<Shown> errors = new ArrayList<>();
    public final Deque<Path> answers = new ArrayDeque<>();
    /** Answers to chart-size dialogs: a size, or {@link #CANCEL_SIZE}; when empty the on-screen size is accepted. */
    public final Deque<dev.rankscope.application.render.ChartSize> sizes = new ArrayDeque<>();
    /** Put in {@link #sizes} to cancel a chart-size dialog. */
    public static final dev.rankscope.application.render.ChartSize CANCEL_SIZE =
            new dev.rankscope.application.render.ChartSize(dev.rankscope.application.render.ChartSize.MIN_SIDE,
                    dev.rankscope.application.render.ChartSize.MIN_SIDE);
    /** Titles and suggested file names of the save dialogs shown. */
    public final List<String> saveDialogs = new ArrayList<>();
    /** On-screen sizes the chart-size dialogs were prefilled with. */
    public final List<dev.rankscope.application.render.ChartSize> prefilledSizes = new ArrayList<>();

    /** Models offered by the Hugging Face cache dialogs, one list per dialog. */
    public final List<List<dev.rankscope.engine.hub.HuggingFaceCache.CachedModel>> cachedModelDialogs = new ArrayList<>();
    /** Index to pick in the next Hugging Face cache dialog, or -1 to cancel. */
    public int cachedModelChoice = 0;

    @Override
    public Optional<dev.rankscope.engine.hub.HuggingFaceCache.CachedModel> chooseCachedModel(Path root,
            List<dev.rankscope.engine.hub.HuggingFaceCache.CachedModel> models) {
        cachedModelDialogs.add(List.copyOf(models));
        return cachedModelChoice < 0 ? Optional.empty() : Optional.of(models.get(cachedModelChoice));
    }

    /** Answer of the next Open Series folder dialog (null: cancelled). */
    public Path seriesFolder;
    /** Answer of the next Open Series from Files dialog (empty: cancelled). */
    public List<Path> seriesFiles = List.of();

    @Override
    public Optional<Path> chooseSeriesFolder() {
        return Optional.ofNullable(seriesFolder);
    }

    @Override
    public List<Path> chooseSeriesFiles() {
        return seriesFiles;
    }

    @Override
    public void showError(String title, String message) {
        errors.add(new Shown(title, message));
    }

    @Override
    public Optional<Path> chooseCheckpointFile() {
        return Optional.ofNullable(answers.poll());
    }

    @Override
    public Optional<Path> chooseCheckpointFolder() {
        return Optional.ofNullable(answers.poll());
    }

    /** Titles of the output-folder and text-file dialogs shown, in order. */
    public final List<String> titledDialogs = new ArrayList<>();

    @Override
    public Optional<Path> chooseOutputFolder(String title) {
        titledDialogs.add(title);
        return Optional.ofNullable(answers.poll());
    }

    @Override
    public Optional<Path> chooseTextFile(String title) {
        titledDialogs.add(title);
        return Optional.ofNullable(answers.poll());
    }

    @Override
    public Optional<Path> chooseSaveFile(String title, String suggestedName, String extension) {
        saveDialogs.add(title + ": " + suggestedName);
        return Optional.ofNullable(answers.poll());
    }

    @Override
    public Optional<dev.rankscope.application.render.ChartSize> chooseChartSize(String title,
            dev.rankscope.application.render.ChartSize onScreen) {
        prefilledSizes.add(onScreen);
        dev.rankscope.application.render.ChartSize answer = sizes.poll();
        if (answer == CANCEL_SIZE) {
            return Optional.empty();
        }
        return Optional.of(answer == null ? onScreen : answer);
    }
}
