package dev.rankscope.analysis;

import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.spectrum.MatrixRef;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link AnalysisListener} that gathers results for batch use (CLI, reports). Thread-safe.
 * {@link #analyses()} and {@link #failures()} return them in the order of the refs given at
 * construction (results arrive in completion order).
 */
public final class AnalysisCollector implements AnalysisListener {
    private final Map<String, Integer> order = new HashMap<>();
    private final List<MatrixAnalysis> analyses = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();

    /** One failed matrix and why. */
    public record Failure(MatrixRef ref, RankscopeException error) {
        /** {@code "<id>: <user message>"}, as written to the JSON {@code failures} list. */
        public String describe() {
            return ref.id() + ": " + error.userMessage();
        }
    }

    /** @param refs the matrices in report order (usually the task's refs) */
    public AnalysisCollector(List<MatrixRef> refs) {
        for (int i = 0; i < refs.size(); i++) {
            order.putIfAbsent(refs.get(i).id(), i);
        }
    }

    @Override
    public synchronized void onMatrix(MatrixAnalysis analysis) {
        analyses.add(analysis);
    }

    @Override
    public synchronized void onFailure(MatrixRef ref, RankscopeException error) {
        failures.add(new Failure(ref, error));
    }

    /** Analyses so far, in ref order. */
    public synchronized List<MatrixAnalysis> analyses() {
        List<MatrixAnalysis> out = new ArrayList<>(analyses);
        out.sort(Comparator.comparingInt(a -> rank(a.spectrum().ref().id())));
        return List.copyOf(out);
    }

    /** Failures so far, in ref order. */
    public synchronized List<Failure> failures() {
        List<Failure> out = new ArrayList<>(failures);
        out.sort(Comparator.comparingInt(f -> rank(f.ref().id())));
        return List.copyOf(out);
    }

    /** {@link Failure#describe()} of every failure, in ref order. */
    public List<String> failureMessages() {
        return failures().stream().map(Failure::describe).toList();
    }

    private int rank(String id) {
        return order.getOrDefault(id, Integer.MAX_VALUE);
    }
}
