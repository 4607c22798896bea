package dev.rankscope.views.compensate;

import dev.rankscope.application.compensate.CompensateResult;
import dev.rankscope.views.service.DialogService;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The Evaluate panel under the Quantize tab's budget bar (issue 16 §5): the evaluation text, Evaluate
 * and Quality vs rank (enabled once an adapter was exported; the curve is drawn in the tab's chart), Cancel, a progress bar while it runs, and the comparison
 * (embedding cosine or perplexity of quantized vs quantized + compensation) as one line. State lives
 * in {@link CompensationEvaluationViewModel}. FX thread only.
 */
final class CompensationEvaluationPane extends VBox {
    private static final String TEXT_FORMAT = "Evaluation text: one sentence per line (encoders), documents separated "
            + "by blank lines (causal LMs)";

    CompensationEvaluationPane(CompensationEvaluationViewModel vm, ReadOnlyObjectProperty<CompensateResult> exported,
                               DialogService dialogs) {
        setId("compensate-evaluation");
        TextField text = new TextField();
        text.setId("compensate-eval-text");
        // a short prompt: the long one was cut in a 1280-px window ("text file: one sentence per line (")
        text.setPromptText("evaluation text file");
        text.setTooltip(new javafx.scene.control.Tooltip(TEXT_FORMAT));
        text.setMinWidth(120);
        text.textProperty().bindBidirectional(vm.textProperty());
        dev.rankscope.views.fx.PathFields.showFileName(text);
        HBox.setHgrow(text, Priority.ALWAYS);
        Button choose = new Button("Text…");
        choose.setOnAction(e -> dialogs.chooseTextFile(TEXT_FORMAT).ifPresent(p -> vm.textProperty().set(p.toString())));
        Button evaluate = new Button("Evaluate");
        evaluate.setId("compensate-evaluate");
        evaluate.disableProperty().bind(vm.runningProperty().or(exported.isNull()));
        evaluate.setOnAction(e -> vm.evaluate(exported.get()));
        Button curve = new Button("Quality vs rank");
        curve.setId("compensate-curve-run");
        curve.setTooltip(new javafx.scene.control.Tooltip("Evaluate the adapter cut to ranks 0, 1, 2, 4, … up to its"
                + " largest rank (0 = the quantized model alone) and plot the quality against the rank"));
        curve.disableProperty().bind(vm.runningProperty().or(exported.isNull()));
        curve.setOnAction(e -> vm.curve(exported.get()));
        Button cancel = new Button("Cancel");
        cancel.setId("compensate-eval-cancel");
        cancel.disableProperty().bind(vm.runningProperty().not());
        cancel.setOnAction(e -> vm.cancel());
        ProgressBar progress = new ProgressBar();
        progress.setId("compensate-eval-progress");
        progress.progressProperty().bind(vm.progressProperty());
        progress.visibleProperty().bind(vm.runningProperty());
        progress.managedProperty().bind(vm.runningProperty());
        progress.setPrefWidth(160);
        progress.setMinWidth(40);
        Label label = new Label("Evaluate on:");
        for (Region r : new Region[] {label, choose, evaluate, curve, cancel}) {
            r.setMinWidth(Region.USE_PREF_SIZE);
        }
        HBox row = new HBox(6, label, text, choose, evaluate, curve, cancel, progress);
        row.setAlignment(Pos.CENTER_LEFT);
        Label status = new Label();
        status.setId("compensate-eval-status");
        status.setWrapText(true);
        status.setMinHeight(Region.USE_PREF_SIZE);
        status.textProperty().bind(vm.statusProperty());
        getChildren().setAll(row, status);
        setSpacing(4);
        setPadding(new Insets(0, 6, 6, 6));
        exported.addListener((o, a, r) -> vm.exported(r));
    }
}
