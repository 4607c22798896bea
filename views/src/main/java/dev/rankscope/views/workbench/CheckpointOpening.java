package dev.rankscope.views.workbench;

import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.application.workbench.MatrixViews;
import dev.rankscope.application.workbench.OpenedCheckpoint;
import dev.rankscope.application.workbench.WorkbenchServices;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.hub.HuggingFaceCache;
import dev.rankscope.views.fx.BackgroundRunner;
import dev.rankscope.views.service.DialogService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How the workbench opens checkpoints: {@code hf:} references resolved in the local Hugging Face
 * cache, a path already open selected instead of opened twice, the header read through the
 * {@link BackgroundRunner} (a failure is one dialog naming the file), File ▸ Open from Hugging Face
 * cache, and reopening under other {@link MatrixViews} with the selected matrix selected again (a
 * checkpoint whose header was still being read when the views changed is read again under the new
 * ones, not listed under the old). What
 * an opened checkpoint becomes is the workbench's business ({@link WorkbenchViewModel}).
 *
 * <p>FX thread only.
 */
final class CheckpointOpening {

    /** What becomes of a checkpoint read from {@code key}. */
    @FunctionalInterface
    interface Opened {
        /** {@code reselect}: the id of the matrix to select again when it is listed (reopening), else null. */
        void opened(Path key, OpenedCheckpoint opened, String reselect);
    }

    private final WorkbenchServices services;
    private final DialogService dialogs;
    private final BackgroundRunner runner;
    private final Supplier<MatrixViews> views;
    private final Function<Path, Optional<CheckpointModel>> openAt;
    private final Consumer<MatrixEntry> select;
    private final Consumer<String> status;
    private final Opened opened;
    private final List<Path> opening = new ArrayList<>();
    /** Matrix id to select again when a checkpoint reopened for new views arrives. */
    private final Map<Path, String> reselect = new HashMap<>();
    private Supplier<HuggingFaceCache> hubCache = HuggingFaceCache::fromEnvironment;

    /**
     * @param views  the views to list a checkpoint under
     * @param openAt the open checkpoint at a key (absolute, normalised), if any
     * @param select selects a matrix
     * @param status sets the status line
     * @param opened what becomes of an opened checkpoint
     */
    CheckpointOpening(WorkbenchServices services, DialogService dialogs, BackgroundRunner runner, Supplier<MatrixViews> views,
                      Function<Path, Optional<CheckpointModel>> openAt, Consumer<MatrixEntry> select,
                      Consumer<String> status, Opened opened) {
        this.services = Objects.requireNonNull(services);
        this.dialogs = Objects.requireNonNull(dialogs);
        this.runner = Objects.requireNonNull(runner);
        this.views = Objects.requireNonNull(views);
        this.openAt = openAt;
        this.select = select;
        this.status = status;
        this.opened = opened;
    }

    /** See {@link WorkbenchViewModel#open(Path)}. */
    void open(Path path) {
        if (HuggingFaceCache.isReference(path.toString()) && !Files.exists(path)) {
            try {
                path = hubCache.get().resolve(path.toString());
            } catch (RankscopeException e) {
                status.accept("Could not open " + path);
                dialogs.showError("Cannot open " + path, e.userMessage());
                return;
            }
        }
        Path key = path.toAbsolutePath().normalize();
        Optional<CheckpointModel> existing = openAt.apply(key);
        if (existing.isPresent()) {
            status.accept(existing.get().displayName() + " is already open");
            existing.get().matrices().stream().findFirst().ifPresent(select);
            return;
        }
        if (opening.contains(key)) {
            return;
        }
        opening.add(key);
        status.accept("Opening " + BackgroundRunner.fileName(key) + "…");
        MatrixViews listed = views.get();
        runner.work(() -> services.open(key, listed))
                .onSuccess(opened -> {
                    opening.remove(key);
                    if (!listed.equals(views.get())) {
                        // View ▸ Per-head views / Pooled conv kernels changed while the header was read:
                        // reopening skipped this checkpoint (it was not listed yet), so list it again now
                        opened.close();
                        open(key);
                        return;
                    }
                    this.opened.opened(key, opened, reselect.remove(key));
                })
                .about(key)
                .onFailureSentence(text -> {
                    opening.remove(key);
                    status.accept("Could not open " + BackgroundRunner.fileName(key));
                    dialogs.showError("Cannot open " + BackgroundRunner.fileName(key), text);
                })
                .start();
    }

    /** See {@link WorkbenchViewModel#openFromHuggingFaceCache()}. */
    void openFromHuggingFaceCache() {
        HuggingFaceCache cache = hubCache.get();
        runner.work(() -> {
                    try {
                        return cache.models();
                    } catch (java.io.UncheckedIOException e) {
                        throw new RankscopeException(cache.root() + ": cannot be listed ("
                                + e.getCause().getClass().getSimpleName() + ")", e.getMessage(), e);
                    }
                })
                .onSuccess(models -> {
                    if (models.isEmpty()) {
                        dialogs.showError("Hugging Face cache", "No models in " + cache.root()
                                + " (set HF_HUB_CACHE or HF_HOME, or download one with huggingface-cli)");
                        return;
                    }
                    dialogs.chooseCachedModel(cache.root(), models).ifPresent(m -> open(m.snapshot()));
                })
                .onFailure("Hugging Face cache", cache.root())
                .start();
    }

    void setHuggingFaceCache(HuggingFaceCache cache) {
        Objects.requireNonNull(cache);
        hubCache = () -> cache;
    }

    /**
     * Opens {@code closed} again (they were closed for new {@link MatrixViews}); the checkpoint
     * holding {@code was} selects that matrix again when it is still listed.
     */
    void reopen(List<Path> closed, MatrixEntry was) {
        for (Path path : closed) {
            Path key = path.toAbsolutePath().normalize();
            if (was != null && was.checkpoint().toAbsolutePath().normalize().equals(key)) {
                reselect.put(key, was.id());
            }
            open(key);
        }
    }
}
