package dev.rankscope.views.subspaces;

import dev.rankscope.analysis.subspace.Side;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.application.subspaces.SubspacesJson;
import dev.rankscope.application.subspaces.SubspacesParameters;
import dev.rankscope.application.subspaces.SubspacesResult;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.views.fx.BackgroundRunner;
import dev.rankscope.views.fx.JobRun;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * State of the Subspaces tab (SPEC §11): the form (module, k or energy, side, groups, target
 * error), one run of {@code SubspacesJob} at a time ({@link JobRun}) with progress and
 * cancel, and the result as an overlap matrix per side, the principal-angle curve of the chosen
 * pair and the group table. Depends only on the checkpoint path it is given, not on the whole
 * workbench. FX thread only, except where noted.
 */
public final class SubspacesViewModel {
    private final ObservableValue<Path> checkpoint;
    private final BackgroundRunner runner;
    private final JobRun job;
    private final Function<SubspacesParameters, JobTask<SubspacesResult>> jobs;
    private final Consumer<JobTask<?>> track;

    private final StringProperty module = new SimpleStringProperty("k");
    private final StringProperty k = new SimpleStringProperty("");
    private final DoubleProperty energy = new SimpleDoubleProperty(SubspacesParameters.DEFAULT_ENERGY);
    private final ObjectProperty<Side> side = new SimpleObjectProperty<>(Side.RIGHT);
    private final StringProperty groups = new SimpleStringProperty("adjacent:2");
    private final DoubleProperty targetError = new SimpleDoubleProperty(SubspacesParameters.DEFAULT_TARGET_ERROR);
    private final BooleanProperty bothSides = new SimpleBooleanProperty(true);

    /** 0..1 while running ({@link JobRun}), 1 after a finished run. */
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<SubspacesResult> result = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<SubspacesResult.Pair> selectedPair = new ReadOnlyObjectWrapper<>();

    /**
     * @param checkpoint the checkpoint to compare within (the workbench's current one)
     * @param runner     the workbench's runner (jobs run on its task executor)
     * @param ui         the FX thread (same-thread in tests)
     * @param jobs       makes the job's task ({@code new SubspacesJob()::task})
     * @param track      shows a running task in the workbench's task panel (may do nothing)
     */
    public SubspacesViewModel(ObservableValue<Path> checkpoint, BackgroundRunner runner, Executor ui,
                              Function<SubspacesParameters, JobTask<SubspacesResult>> jobs, Consumer<JobTask<?>> track) {
        this.checkpoint = checkpoint;
        this.runner = runner;
        this.job = new JobRun(runner, ui);
        job.progressProperty().addListener((o, a, b) -> progress.set(b.doubleValue()));
        this.jobs = jobs;
        this.track = track;
        side.addListener((o, a, b) -> selectedPair.set(null));
    }

    /** The form as parameters; a bad value is an IllegalArgumentException with the user's sentence. */
    public SubspacesParameters parameters() {
        Path path = checkpoint.getValue();
        if (path == null) {
            throw new IllegalArgumentException("open a checkpoint first");
        }
        Integer kValue = null;
        String kText = k.get() == null ? "" : k.get().trim();
        if (!kText.isEmpty()) {
            try {
                kValue = Integer.parseInt(kText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("k must be a whole number or empty (chosen by energy), not '" + kText + "'");
            }
        }
        return new SubspacesParameters(path, module.get(), kValue, energy.get(),
                bothSides.get() ? SubspacesParameters.Sides.BOTH : SubspacesParameters.Sides.parse(side.get().label()),
                SubspacesParameters.Grouping.parse(groups.get()), targetError.get(), 4, Backends.Preference.AUTO);
    }

    /** Runs the comparison with the form's values; a running one is cancelled first. */
    public void run() {
        SubspacesParameters p;
        try {
            p = parameters();
        } catch (IllegalArgumentException e) {
            status.set(e.getMessage());
            return;
        }
        cancel();
        JobTask<SubspacesResult> task = jobs.apply(p);
        status.set("Comparing subspaces of " + p.checkpoint().getFileName() + "…");
        track.accept(task);
        job.of(task).about(p.checkpoint()).onMessage(status::set).onNote(status::set)
                .onSuccess(r -> {
                    result.set(r);
                    selectedPair.set(null);
                    progress.set(1);
                    status.set(String.format(Locale.ROOT, "%d matrices, %d pairs, %d groups%s", r.matrices().size(),
                            r.pairs().size(), r.groups().size(), r.notes().isEmpty() ? "" : "; " + String.join("; ", r.notes())));
                })
                .onCancel(() -> status.set("Cancelled."))
                // the job's bad input is an IllegalArgumentException whose message is the user's sentence
                .onFailure(s -> status.set(task.failure() instanceof IllegalArgumentException bad ? bad.getMessage() : s))
                .start();
    }

    /** Cancels the running comparison, if any (it stops at its next matrix). */
    public void cancel() {
        if (job.abandon()) {
            status.set("Cancelled.");
        }
    }

    /** The matrices in the overlap matrix of {@code s} (those with at least one pair on that side). */
    public List<String> axis(Side s) {
        SubspacesResult r = result.get();
        if (r == null) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        for (SubspacesResult.Pair p : r.pairs()) {
            if (p.side() == s) {
                if (!ids.contains(p.a())) {
                    ids.add(p.a());
                }
                if (!ids.contains(p.b())) {
                    ids.add(p.b());
                }
            }
        }
        List<String> ordered = new ArrayList<>(r.matrices());
        ordered.retainAll(ids);
        return ordered;
    }

    /**
     * The symmetric overlap matrix of side {@code s} over {@link #axis(Side)}, row-major, with 1 on
     * the diagonal and NaN where a pair was not compared.
     */
    public double[] overlapMatrix(Side s) {
        List<String> ids = axis(s);
        int n = ids.size();
        double[] m = new double[n * n];
        java.util.Arrays.fill(m, Double.NaN);
        for (int i = 0; i < n; i++) {
            m[i * n + i] = 1;
        }
        for (SubspacesResult.Pair p : result.get() == null ? List.<SubspacesResult.Pair>of() : result.get().pairs()) {
            if (p.side() == s) {
                int a = ids.indexOf(p.a());
                int b = ids.indexOf(p.b());
                m[a * n + b] = p.overlap();
                m[b * n + a] = p.overlap();
            }
        }
        return m;
    }

    /** Selects the pair at cell (row, col) of side {@link #sideProperty()}'s matrix; the diagonal clears it. */
    public void selectCell(int row, int col) {
        List<String> ids = axis(side.get());
        if (row < 0 || col < 0 || row >= ids.size() || col >= ids.size() || row == col) {
            selectedPair.set(null);
            return;
        }
        String a = ids.get(Math.min(row, col));
        String b = ids.get(Math.max(row, col));
        selectedPair.set(result.get().pairs().stream()
                .filter(p -> p.side() == side.get() && p.a().equals(a) && p.b().equals(b)).findFirst().orElse(null));
    }

    /** The result as the CLI's pair CSV, or null before a run. */
    public String pairsCsv() {
        return result.get() == null ? null : SubspacesJson.pairsCsv(result.get());
    }

    /**
     * Writes {@code text} (the {@link #json()} or {@link #pairsCsv()} of the shown result) to
     * {@code target} on the work executor, atomically and never onto the compared checkpoint; a
     * failure is one dialog titled "Export failed" with the one sentence naming the file.
     */
    public void export(Path target, String text) {
        SubspacesResult r = result.get();
        List<Path> inputs = r == null ? List.of() : List.of(Path.of(r.source().path()));
        runner.work(() -> {
                    new AtomicFileWriter(inputs).writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
                    return target;
                })
                .onSuccess(t -> status.set("Wrote " + t.getFileName()))
                .onFailure("Export failed", target)
                .start();
    }

    /** The result as the CLI's JSON, or null before a run. */
    public String json() {
        return result.get() == null ? null : SubspacesJson.toJson(result.get());
    }

    public StringProperty moduleProperty() {
        return module;
    }

    public StringProperty kProperty() {
        return k;
    }

    public DoubleProperty energyProperty() {
        return energy;
    }

    public ObjectProperty<Side> sideProperty() {
        return side;
    }

    public StringProperty groupsProperty() {
        return groups;
    }

    public DoubleProperty targetErrorProperty() {
        return targetError;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return job.runningProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<SubspacesResult> resultProperty() {
        return result.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<SubspacesResult.Pair> selectedPairProperty() {
        return selectedPair.getReadOnlyProperty();
    }
}
