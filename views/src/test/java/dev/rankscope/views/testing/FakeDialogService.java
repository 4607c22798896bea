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

    @Override
    public Optional<Path> chooseSaveFile(String title, String suggestedName, String extension) {
        return Optional.ofNullable(answers.poll());
    }
}
