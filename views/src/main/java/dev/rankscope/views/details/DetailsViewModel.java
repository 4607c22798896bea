package dev.rankscope.views.details;

import dev.rankscope.analysis.Analyzer;
import dev.rankscope.analysis.TopKPreview;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.metrics.MarchenkoPasturFit;
import dev.rankscope.analysis.metrics.PowerLawFit;
import dev.rankscope.analysis.metrics.RankMetrics;
import dev.rankscope.engine.config.ModelConfig;
import dev.rankscope.engine.spectrum.MatrixSelection;
import dev.rankscope.views.model.Metric;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.application.workbench.OpenedCheckpoint;
import dev.rankscope.views.workbench.CheckpointModel;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.MapChangeListener;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;

/**
 * State of the details panel: everything known about the current matrix (the primary
 * selection), as {@link DetailItem}s grouped by category. Rebuilt on the FX thread when the
 * current matrix changes or its analysis arrives (a few dozen lines; no computation).
 */
public final class DetailsViewModel {
    private final WorkbenchViewModel workbench;
    private final ObservableList<DetailItem> items = FXCollections.observableArrayList();
    /** Unmodifiable view held once: JavaFX wrappers register weak listeners, so a per-call wrapper would drop its listeners on GC. */
    private final ObservableList<DetailItem> itemsReadOnly = FXCollections.unmodifiableObservableList(items);
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper("No matrix selected");

    public DetailsViewModel(WorkbenchViewModel workbench) {
        this.workbench = workbench;
        workbench.currentProperty().addListener((o, a, b) -> refresh());
        workbench.analyses().addListener((MapChangeListener<MatrixEntry, dev.rankscope.analysis.MatrixAnalysis>) c -> {
            if (c.getKey().equals(workbench.getCurrent())) {
                refresh();
            }
        });
        refresh();
    }

    private void refresh() {
        MatrixEntry e = workbench.getCurrent();
        if (e == null) {
            title.set("No matrix selected");
            items.clear();
            return;
        }
        title.set(e.id());
        OpenedCheckpoint cp = workbench.checkpointOf(e).map(CheckpointModel::opened).orElse(null);
        items.setAll(items(e, workbench.analysis(e), cp));
    }

    /** The details of one matrix; {@code analysis} and {@code checkpoint} may be null. Pure. */
    public static List<DetailItem> items(MatrixEntry e, MatrixAnalysis analysis, OpenedCheckpoint checkpoint) {
        List<DetailItem> out = new ArrayList<>();
        String m = "Matrix";
        out.add(new DetailItem(m, "name", e.id(), "Tensor name, or tensor[i] for an expert slice"));
        out.add(new DetailItem(m, "layer", e.name().hasLayer() ? Integer.toString(e.name().layer()) : "outside the blocks", "Block index parsed from the name (SPEC §7)"));
        out.add(new DetailItem(m, "module", e.name().module().label(), "Module type parsed from the name (SPEC §7)"));
        out.add(new DetailItem(m, "module name", e.name().moduleName(), "PEFT target / rank_pattern key"));
        out.add(new DetailItem(m, "shape (m × n)", e.ref().shapeString(), "Rows = out, columns = in (PyTorch Linear layout)"));
        if (e.ref().isPooled()) {
            // a pooled conv kernel: one out × in slice per kernel position, their singular values in one spectrum
            int slices = e.ref().selection().poolSlices();
            out.add(new DetailItem(m, "kernel positions", Integer.toString(slices),
                    "kh·kw out × in slices whose singular values are pooled into one spectrum (View ▸ Pool Conv Kernels, "
                            + "as WeightWatcher does; SPEC §7)"));
            out.add(new DetailItem(m, "singular values", e.ref().sigmaCount() + " (" + slices + " × " + e.fullRank() + ")",
                    "kh·kw · min(m, n): the pooled spectrum's length"));
        } else {
            out.add(new DetailItem(m, "p = min(m, n)", Integer.toString(e.fullRank()), "Full rank"));
        }
        out.add(new DetailItem(m, "dtype", e.dtype().name() + (e.dtype().isQuantized() ? " (quantised)" : ""), "Stored element type; widened to float64 for the SVD"));
        long parameters = e.ref().isPooled() ? e.ref().numel() * e.ref().selection().poolSlices() : e.ref().numel();
        out.add(new DetailItem(m, "parameters", Long.toString(parameters), e.ref().isPooled() ? "kh·kw·m·n" : "m·n"));
        if (e.ref().slice() >= 0) {
            out.add(new DetailItem(m, "slice", e.ref().tensor() + " [" + e.ref().slice() + "]", "Expert slice of a 3-D tensor (SPEC §7)"));
        }
        if (e.ref().transposed()) {
            out.add(new DetailItem(m, "stored as", e.ref().baseCols() + " × " + e.ref().baseRows() + " (in, out)",
                    "Stored transposed (GPT-2 Conv1D); read as (out, in) — σ are unchanged (SPEC §7)"));
        }
        if (e.ref().isPart() && !e.ref().isPooled()) {
            out.add(new DetailItem(m, "part of", e.ref().tensor() + " (" + e.ref().baseRows() + " × " + e.ref().baseCols() + ")",
                    "A row/column block of the stored matrix: a q/k/v part of a fused QKV projection or one attention head (SPEC §7)"));
            out.add(new DetailItem(m, "rows taken", describe(e.ref().selection().rows(), e.ref().baseRows()),
                    "Rows of the (out, in) matrix, in order"));
            if (!e.ref().selection().allCols()) {
                out.add(new DetailItem(m, "columns taken", describe(e.ref().selection().cols(), e.ref().baseCols()),
                        "Columns of the (out, in) matrix, in order"));
            }
        }
        if (analysis == null) {
            out.add(new DetailItem("Spectrum", "status", "computing…", "The analysis of this matrix has not arrived yet"));
            addCheckpoint(out, checkpoint);
            return out;
        }
        String s = "Spectrum";
        out.add(new DetailItem(s, "method", analysis.spectrum().method().id(), "How the singular values were computed"));
        out.add(new DetailItem(s, "precision", analysis.spectrum().precision().id(), "Arithmetic precision"));
        out.add(new DetailItem(s, "approximate", analysis.spectrum().approximate() ? "yes (top-k)" : "no", "Randomised top-k results are approximate"));
        out.add(new DetailItem(s, "time", analysis.spectrum().millis() + " ms", "Wall time of the SVD"));
        RankMetrics r = analysis.ranks();
        String k = "Rank measures";
        boolean approx = analysis.spectrum().approximate();
        boolean fro = TopKPreview.hasExactFrobenius(analysis);
        // approximate (top-k) analyses show only what a top-k pass gives honestly, marked ≈ (see Metric)
        out.add(measure(approx, false, k, "effective rank", r.effectiveRank(), "exp(−Σ qᵢ ln qᵢ), qᵢ = σᵢ/Σσ (Roy & Vetterli), SPEC §1"));
        out.add(measure(approx, false, k, "erank / p", Metric.ERANK_RATIO.of(analysis), "Effective rank over p"));
        out.add(measure(approx, false, k, "energy effective rank", r.energyEffectiveRank(), "D-Rank's variant on σ², SPEC §1"));
        out.add(measure(approx, fro, k, "stable rank", r.stableRank(), "Σσ²/σ₁², SPEC §1"));
        out.add(measure(approx, false, k, "numerical rank", r.numericalRank(), "#{σ > σ₁·max(m,n)·eps}, SPEC §1"));
        out.add(measure(approx, false, k, "r(0.90)", r.rankAt90(), "Smallest k keeping 90 % of Σσ²"));
        out.add(measure(approx, false, k, "r(0.95)", r.rankAt95(), "Smallest k keeping 95 % of Σσ²"));
        out.add(measure(approx, false, k, "r(0.99)", r.rankAt99(), "Smallest k keeping 99 % of Σσ²"));
        out.add(measure(approx, false, k, "spectral entropy", r.spectralEntropy(), "WeightWatcher's normalised entropy of λ = σ², SPEC §1"));
        out.add(measure(approx, true, k, "σ₁ (spectral norm)", r.spectralNorm(), "Largest singular value"));
        out.add(measure(approx, fro, k, "Frobenius norm", r.frobeniusNorm(), "sqrt(Σσ²)"));
        out.add(measure(approx, false, k, "nuclear norm", r.nuclearNorm(), "Σσ"));
        out.add(measure(approx, false, k, "condition number", r.conditionNumber(), "σ₁/σ_p (∞ when σ_p = 0)"));
        out.add(measure(approx, fro, k, "log-norm", r.logNorm(), "log10 Σσ²"));
        out.add(measure(approx, true, k, "log spectral norm", r.logSpectralNorm(), "log10 σ₁²"));
        PowerLawFit pl = analysis.powerLaw();
        String p = "Power law (ESD tail)";
        if (pl == null || approx) {   // a top-k tail is not the ESD: no α from an approximate spectrum
            out.add(approx ? new DetailItem(p, "α", PENDING, "The power-law fit needs the whole spectrum")
                    : new DetailItem(p, "α", "not fitted", "Fewer than 2 eigenvalues above 1e-5"));
        } else {
            out.add(num(p, "α", pl.alpha(), "Hill MLE with KS choice of xmin, SPEC §2"));
            out.add(num(p, "xmin", pl.xmin(), "Lower cut-off of the tail (λ units)"));
            out.add(num(p, "KS distance D", pl.ksDistance(), "Kolmogorov–Smirnov distance at xmin"));
            out.add(num(p, "σ_α", pl.sigmaAlpha(), "(α−1)/√n"));
            out.add(num(p, "tail size", pl.numTail(), "#{λ ≥ xmin}"));
            out.add(num(p, "α weighted", pl.alphaWeighted(), "α·log10 λ_max"));
            out.add(num(p, "log α-norm", pl.logAlphaNorm(), "log10 Σ λ^α"));
            out.add(new DetailItem(p, "verdict", pl.verdict().isEmpty() ? "—" : pl.verdict(), "α < 2 over-trained, α > 6 under-trained"));
        }
        MarchenkoPasturFit mp = analysis.mp();
        String q = "Marchenko–Pastur";
        if (mp == null) {
            out.add(approx ? new DetailItem(q, "fit", PENDING, "The Marchenko–Pastur fit needs every eigenvalue")
                    : new DetailItem(q, "fit", "not fitted", "No MP fit: see the notes (e.g. fewer than min_evals eigenvalues)"));
        } else {
            out.add(new DetailItem(q, "fit", switch (mp.method()) {
                case WEIGHTWATCHER -> mp.degenerate() ? Analyzer.DEGENERATE_MP_FIT : "WeightWatcher 0.7.5.5";
                case GRID -> "grid search (SPEC-literal)";
                case QUICK -> "quick estimate s² = mean λ";
            }, mp.degenerate() ? "Every grid scale was rejected; WeightWatcher's number (polished from the first grid point) is shown"
                    : "How s was found (SPEC §2)"));
            out.add(num(q, "Q = N/M", mp.q(), "Aspect ratio ≥ 1"));
            out.add(num(q, "s", mp.sigma(), "Fitted scale of the i.i.d. entries" + (mp.quick() ? " (quick estimate s² = mean λ)" : "")));
            out.add(num(q, "λ₋", mp.bulkMin(), "Bulk lower edge (rescaled λ)"));
            out.add(num(q, "λ₊ (bulk max)", mp.bulkMax(), "Bulk upper edge (rescaled λ)"));
            out.add(num(q, "λ₊ in λ units", mp.bulkMaxEigenvalue(), "Bulk upper edge on the λ = σ² axis (WeightWatcher's bulk_max)"));
            out.add(num(q, "Tracy–Widom", mp.tracyWidom(), "Q^{-1/2}·λ₊^{2/3}·M^{-2/3}"));
            out.add(num(q, "spikes", mp.numSpikes(), "#{λ > λ₊ + √TW}"));
            out.add(num(q, "soft rank", mp.softRank(), "λ₊/λ_max"));
        }
        if (!analysis.warnings().isEmpty()) {
            out.add(new DetailItem("Warnings", "notes", String.join("; ", analysis.warnings()), "Notes about this matrix"));
        }
        addCheckpoint(out, checkpoint);
        return out;
    }

    private static void addCheckpoint(List<DetailItem> out, OpenedCheckpoint checkpoint) {
        if (checkpoint != null) {
            String c = "Checkpoint";
            out.add(new DetailItem(c, "file", checkpoint.path().toString(), "The file or folder opened"));
            out.add(new DetailItem(c, "format", checkpoint.format(), "Container format"));
            out.add(new DetailItem(c, "tensors", Integer.toString(checkpoint.tensors().size()), "All tensors, analysable or not"));
            out.add(new DetailItem(c, "matrices", Integer.toString(checkpoint.matrices().size()), "Analysable matrices (SPEC §7)"));
            ModelConfig model = checkpoint.model();
            String a = "Model";
            if (model.isEmpty()) {
                out.add(new DetailItem(a, "config", model.note(), "Architecture facts come from config.json next to the checkpoint, or GGUF metadata"));
            } else {
                out.add(new DetailItem(a, "architecture", model.describe(), "From " + model.source()));
                model.facts().forEach((key, value) -> out.add(new DetailItem(a, key, value, "From " + model.source())));
            }
            for (String note : checkpoint.notes()) {
                out.add(new DetailItem(a, "note", note, "What the matrix listing could not do (SPEC §7)"));
            }
        }
    }

    /** Shown instead of a value an approximate (top-k) analysis cannot give. */
    static final String PENDING = "— (awaits the exact spectrum)";

    /**
     * A rank measure: as {@link #num} for an exact analysis; for an approximate one "≈ value" when
     * {@code validWhenApproximate}, else {@link #PENDING}.
     */
    private static DetailItem measure(boolean approximate, boolean validWhenApproximate, String category, String name,
                                      double value, String description) {
        if (!approximate) {
            return num(category, name, value, description);
        }
        return validWhenApproximate
                ? new DetailItem(category, name, "≈ " + Metric.formatValue(value), description + " (approximate: quick preview)")
                : new DetailItem(category, name, PENDING, description);
    }

    /** Indices as runs ("0-7,16-23 of 24"), or "all n". */
    private static String describe(int[] idx, int n) {
        return idx == null ? "all " + n : MatrixSelection.runs(idx) + " of " + n;
    }

    private static DetailItem num(String category, String name, double value, String description) {
        return new DetailItem(category, name, Metric.formatValue(value), description);
    }

    /** Details of the current matrix. */
    public ObservableList<DetailItem> items() {
        return itemsReadOnly;
    }

    /** The current matrix's id, or "No matrix selected". */
    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }
}
