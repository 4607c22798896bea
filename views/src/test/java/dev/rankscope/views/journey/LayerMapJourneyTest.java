package dev.rankscope.views.journey;

import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.views.layermap.LayerGrid;
import dev.rankscope.views.testing.Journeys;
import dev.rankscope.views.workbench.CheckpointModel;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Layer map tab shows every cell whole at 1280×800 with the explorer and details panels open, and at
 * 1600×1000 and 1920×1080: on tiny-llama (nine module columns) the embed and lm_head columns lay outside the
 * view, and on a BERT-like model (q k v o up down embed other) so did the embed and pooler cells. Every cell
 * lies inside the layer map's viewport, and every cell value and column header shows its whole text.
 */
class LayerMapJourneyTest extends SampleJourney {
    private static final int[][] SIZES = {{1280, 800}, {1600, 1000}, {1920, 1080}};

    @Start
    void start(Stage stage) {
        show(stage);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyCellIsWhollyVisibleOnALlamaAndABertLikeModel(FxRobot robot) throws IOException {
        Path bert = writeBertLike(samplesDir.resolve("tiny-bert"));
        window.openAndWait(robot, samples.base());
        robot.interact(() -> window.vm.open(bert));
        Journeys.waitUntil(() -> window.vm.checkpoints().size() == 2
                && window.vm.matricesDoneProperty().get() == window.vm.matricesTotalProperty().get());
        window.selectTab(robot, "Layer map");
        List<String> hidden = new ArrayList<>();
        int checked = 0;
        for (CheckpointModel checkpoint : List.copyOf(window.vm.checkpoints())) {
            robot.interact(() -> robot.lookup("#layermap-checkpoint").queryAs(ComboBox.class).setValue(checkpoint));
            // the grid is built on the work executor: until it arrives, the map shows the other checkpoint's cells
            Journeys.waitUntil(() -> isGridOf(window.view.layerMap().viewModel().getGrid(), checkpoint));
            for (int[] size : SIZES) {
                window.resize(robot, size[0], size[1]);
                checked += checkCells(robot, checkpoint.displayName() + " at " + size[0] + "×" + size[1], hidden);
            }
        }
        assertEquals(List.of(), hidden, "layer map cells not wholly visible");
        // tiny-llama: 4 layers × 7 + embed + lm_head; the BERT-like model: 2 layers × 6 + embed + other; 3 sizes
        assertEquals(3 * (30 + 14), checked, "cells checked");
    }

    private static boolean isGridOf(LayerGrid grid, CheckpointModel checkpoint) {
        Path path = checkpoint.opened().path();
        return !grid.cells().isEmpty() && grid.cells().values().stream()
                .allMatch(c -> c.entries().stream().allMatch(e -> e.checkpoint().equals(path)));
    }

    private int checkCells(FxRobot robot, String where, List<String> hidden) {
        int[] count = {0};
        robot.interact(() -> {
            ScrollPane scroll = (ScrollPane) window.view.layerMap().lookup(".layermap-scroll");
            Bounds viewport = scroll.getViewportBounds();
            Bounds shown = scroll.localToScene(new javafx.geometry.BoundingBox(scroll.snappedLeftInset(),
                    scroll.snappedTopInset(), viewport.getWidth(), viewport.getHeight()));
            for (Node n : window.view.layerMap().lookupAll(".layermap-cell")) {
                count[0]++;
                Bounds b = n.localToScene(n.getLayoutBounds());
                if (b.getMinX() < shown.getMinX() - 0.5 || b.getMaxX() > shown.getMaxX() + 0.5
                        || b.getMinY() < shown.getMinY() - 0.5 || b.getMaxY() > shown.getMaxY() + 0.5) {
                    hidden.add(where + ": " + n.getId() + " at x " + b.getMinX() + ".." + b.getMaxX() + ", y "
                            + b.getMinY() + ".." + b.getMaxY() + " outside the view x " + shown.getMinX() + ".."
                            + shown.getMaxX() + ", y " + shown.getMinY() + ".." + shown.getMaxY());
                }
            }
            for (Node n : window.view.layerMap().lookupAll(".layermap-value, .layermap-header")) {
                Label label = (Label) n;
                Text text = (Text) label.lookup(".text");
                if (!label.getText().isEmpty() && (text == null || !label.getText().equals(text.getText()))) {
                    hidden.add(where + ": '" + label.getText() + "' shows '" + (text == null ? "" : text.getText()) + "'");
                }
            }
        });
        return count[0];
    }


    /**
     * A two-layer BERT-like encoder with sentence-transformers names (word, position and token-type embeddings,
     * query/key/value, attention.output.dense, intermediate.dense, output.dense, pooler.dense), random F32 weights.
     */
    static Path writeBertLike(Path folder) throws IOException {
        int hidden = 32;
        int ffn = 64;
        Files.createDirectories(folder);
        Random random = new Random(19);
        SafetensorsWriter w = new SafetensorsWriter();
        matrix(w, random, "embeddings.word_embeddings.weight", 96, hidden);
        matrix(w, random, "embeddings.position_embeddings.weight", 40, hidden);
        matrix(w, random, "embeddings.token_type_embeddings.weight", 2, hidden);
        for (int l = 0; l < 2; l++) {
            String p = "encoder.layer." + l + ".";
            matrix(w, random, p + "attention.self.query.weight", hidden, hidden);
            matrix(w, random, p + "attention.self.key.weight", hidden, hidden);
            matrix(w, random, p + "attention.self.value.weight", hidden, hidden);
            matrix(w, random, p + "attention.output.dense.weight", hidden, hidden);
            matrix(w, random, p + "intermediate.dense.weight", ffn, hidden);
            matrix(w, random, p + "output.dense.weight", hidden, ffn);
        }
        matrix(w, random, "pooler.dense.weight", hidden, hidden);
        w.write(folder.resolve("model.safetensors"), AtomicFileWriter.unprotected());
        return folder;
    }

    private static void matrix(SafetensorsWriter w, Random random, String name, int rows, int cols) {
        double[] values = new double[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian() * 0.02;
        }
        w.add(name, DType.F32, new long[]{rows, cols}, sink -> sink.put(values));
    }
}
