package dev.rankscope.views.workbench;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.application.workbench.AnalysisSink;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.application.workbench.QuickPreview;
import dev.rankscope.application.workbench.WorkbenchServices;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.views.fx.BackgroundRunner;
import dev.rankscope.views.fx.UiBatcher;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.DialogService;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.ObservableList;
import javafx.collections.ObservableMap;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The analysis passes of the workbench's open checkpoints: for each, the optional quick
 * approximate pass ({@link QuickPreview}) and then the exact pass, run on the task executor and
 * shown in the task panel; their results are batched onto the UI executor into the workbench's
 * analyses (an exact result replaces a preview, never the reverse), failures are counted on the
 * checkpoint and reported once. Owned by {@link WorkbenchViewModel}, which hands it the state it
 * updates. FX thread only.
 */
final class AnalysisPasses {
    private static final System.Logger LOG = System.getLogger(AnalysisPasses.class.getName());

    private final WorkbenchServices services;
    private final DialogService dialogs;
    private final WorkbenchExecutors executors;
    private final ObservableValue<QuickPreview> quickPreview;
    private final ObservableList<CheckpointModel> checkpoints;
    private final ObservableMap<MatrixEntry, MatrixAnalysis> analyses;
    private final ObservableList<TaskItemViewModel> tasks;
    private final IntegerProperty matricesDone;
    private final StringProperty statusMessage;
    private final BooleanSupplier shutDown;
    private final Map<CheckpointModel, TaskItemViewModel> running = new HashMap<>();
    private final Map<CheckpointModel, CompletableFuture<Void>> settling = new HashMap<>();

    AnalysisPasses(WorkbenchServices services, DialogService dialogs, WorkbenchExecutors executors,
                   ObservableValue<QuickPreview> quickPreview, ObservableList<CheckpointModel> checkpoints,
                   ObservableMap<MatrixEntry, MatrixAnalysis> analyses, ObservableList<TaskItemViewModel> tasks,
                   IntegerProperty matricesDone, StringProperty statusMessage, BooleanSupplier shutDown) {
        this.services = services;
        this.dialogs = dialogs;
        this.executors = executors;
        this.quickPreview = quickPreview;
        this.checkpoints = checkpoints;
        this.analyses = analyses;
        this.tasks = tasks;
        this.matricesDone = matricesDone;
        this.statusMessage = statusMessage;
        this.shutDown = shutDown;
    }

    /** Cancels {@code model}'s running pass, if any. */
    void cancel(CheckpointModel model) {
        TaskItemViewModel task = running.get(model);
        if (task != null) {
            task.cancel();
        }
    }

    /** Forgets {@code model} (closed) and releases anyone waiting for it to settle. */
    void forget(CheckpointModel model) {
        running.remove(model);
        settleIfIdle(model);
    }

    /** Starts the analysis of a just opened checkpoint: the quick pass first when it applies, then the exact pass. */
    void start(CheckpointModel model) {
        if (model.matrices().isEmpty()) {
            model.setState("analysed");
            return;
        }
        if (quickPreview.getValue().appliesTo(model.matrices()) && startQuickPass(model)) {
            return;
        }
        startExactPass(model);
    }

    /** Starts the quick pass; false when the services have none (the exact pass then starts at once). */
    private boolean startQuickPass(CheckpointModel model) {
        Optional<AbstractTask> quick;
        try {
            quick = services.quickAnalyze(model.opened(), model.matrices(), sink(model));
        } catch (RankscopeException e) {
            LOG.log(System.Logger.Level.WARNING, "no quick preview of " + model.displayName() + ": " + e.getMessage());
            return false;
        }
        if (quick.isEmpty()) {
            return false;
        }
        run(model, quick.get(), "quick preview", this::quickPassEnded);
        return true;
    }

    private void quickPassEnded(CheckpointModel model, TaskItemViewModel item, AbstractTask.Status status) {
        tasks.remove(item);
        running.remove(model, item);
        if (status == AbstractTask.Status.ERROR) {
            // the preview is optional: the exact pass reports any real problem with the file
            LOG.log(System.Logger.Level.WARNING, "quick preview of " + model.displayName() + " stopped", item.task().failure());
        }
        if (checkpoints.contains(model) && !shutDown.getAsBoolean()) {
            startExactPass(model);
        }
        settleIfIdle(model);
    }

    /** See {@link WorkbenchViewModel#analysisSettled}. */
    CompletableFuture<Void> settled(CheckpointModel model) {
        if (!running.containsKey(model)) {
            return CompletableFuture.completedFuture(null);
        }
        return settling.computeIfAbsent(model, m -> new CompletableFuture<>());
    }

    /** On the next UI turn (after result batches already queued), completes the waiters if no pass of {@code model} runs. */
    void settleIfIdle(CheckpointModel model) {
        executors.ui().execute(() -> {
            if (!running.containsKey(model)) {
                CompletableFuture<Void> waiters = settling.remove(model);
                if (waiters != null) {
                    waiters.complete(null);
                }
            }
        });
    }

    private void startExactPass(CheckpointModel model) {
        AnalysisSink sink = sink(model);
        AbstractTask task;
        try {
            task = services.analyze(model.opened(), model.matrices(), sink);
        } catch (RankscopeException e) {
            model.setState("stopped by an error");
            dialogs.showError("Cannot analyse " + model.displayName(), e.userMessage());
            return;
        }
        run(model, task, "analysing", this::taskEnded);
    }

    /** What to do when one of a checkpoint's passes reaches a terminal state. */
    @FunctionalInterface
    private interface PassEnd {
        void ended(CheckpointModel model, TaskItemViewModel item, AbstractTask.Status status);
    }

    /** Shows {@code task} in the task panel as {@code model}'s running pass and starts it on the task executor. */
    private void run(CheckpointModel model, AbstractTask task, String state, PassEnd onEnd) {
        TaskItemViewModel item = new TaskItemViewModel(task, executors.ui());
        item.statusProperty().addListener((o, was, now) -> {
            if (now.isTerminal()) {
                onEnd.ended(model, item, now);
            }
        });
        tasks.add(item);
        running.put(model, item);
        model.setState(state);
        executors.tasks().execute(task);
    }

    /** A sink batching results (exact or approximate) of {@code model} onto the UI executor. */
    private AnalysisSink sink(CheckpointModel model) {
        UiBatcher<Object> results = new UiBatcher<>(executors.ui(), batch -> applyResults(model, batch));
        return new AnalysisSink() {
            @Override
            public void onMatrix(MatrixAnalysis analysis) {
                results.offer(analysis);
            }

            @Override
            public void onFailure(MatrixRef ref, RankscopeException error) {
                results.offer(new Failure(ref, error.userMessage()));
            }
        };
    }

    private record Failure(MatrixRef ref, String message) {
    }

    private void applyResults(CheckpointModel model, List<Object> batch) {
        if (!checkpoints.contains(model)) {
            return; // closed meanwhile
        }
        int done = 0;
        int approximate = 0;
        for (Object o : batch) {
            if (o instanceof MatrixAnalysis a) {
                Optional<MatrixEntry> entry = model.entry(a.spectrum().ref().id());
                if (entry.isEmpty()) {
                    continue;
                }
                MatrixAnalysis shown = analyses.get(entry.get());
                if (a.spectrum().approximate()) {
                    if (shown == null) {
                        analyses.put(entry.get(), a);
                        approximate++;
                    }
                } else if (shown == null || shown.spectrum().approximate()) {
                    analyses.put(entry.get(), a);   // replaces the approximate preview
                    done++;
                    if (shown != null) {
                        approximate--;
                    }
                }
            } else if (o instanceof Failure f) {
                model.markFailed(f.message());
            }
        }
        model.markApproximate(approximate);
        model.markAnalysed(done);
        matricesDone.set(matricesDone.get() + done);
    }

    private void taskEnded(CheckpointModel model, TaskItemViewModel item, AbstractTask.Status status) {
        tasks.remove(item);
        running.remove(model, item);
        settleIfIdle(model);
        switch (status) {
            case FINISHED -> {
                model.setState("analysed");
                // The task item may observe FINISHED before the last results batch is applied (its
                // status is read live): count on the next UI turn, after batches already queued.
                executors.ui().execute(() -> statusMessage.set("Analysed " + model.displayName() + ": "
                        + model.getAnalysed() + " of " + model.matrices().size() + " matrices"));
            }
            case CANCELLED -> {
                model.setState("cancelled");
                executors.ui().execute(() -> statusMessage.set("Cancelled analysis of " + model.displayName() + " after "
                        + model.getAnalysed() + " of " + model.matrices().size() + " matrices"));
            }
            default -> {
                model.setState("stopped by an error");
                Throwable t = item.task().failure();
                String msg = BackgroundRunner.sentence(t, model.displayName());
                if (t != null && !(t instanceof RankscopeException)) {
                    LOG.log(System.Logger.Level.ERROR, "analysis of " + model.opened().path() + " failed", t);
                }
                dialogs.showError("Analysis of " + model.displayName() + " stopped", msg);
                return;
            }
        }
        if (model.getFailed() > 0 && checkpoints.contains(model)) {
            dialogs.showError("Some matrices of " + model.displayName() + " could not be analysed",
                    model.getFailed() + " of " + model.matrices().size() + " matrices failed. First: "
                            + model.failures().get(0));
        }
    }
}
