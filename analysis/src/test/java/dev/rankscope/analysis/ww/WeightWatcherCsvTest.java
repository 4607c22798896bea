package dev.rankscope.analysis.ww;

import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.report.WeightWatcherCsv;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code analyze --ww-csv} has WeightWatcher 0.7.5.5's {@code details} columns, in its order, and
 * every cell equals WeightWatcher's (numbers to 1e-6 relative) on the goldens of
 * {@code tools/ww_goldens.py}.
 */
class WeightWatcherCsvTest {

    @Test
    void columnsAndCellsAreWeightWatchers() throws IOException {
        WwGoldens goldens = new WwGoldens();
        assertEquals(goldens.columns, WeightWatcherCsv.header());
        List<MatrixAnalysis> analyses = new ArrayList<>();
        for (String name : goldens.matrices) {
            analyses.add(WwGoldens.analyze(name, AnalysisParameters.DEFAULT));
        }
        List<String> lines = WeightWatcherCsv.lines(analyses);
        assertEquals(String.join(",", goldens.columns), lines.get(0));
        int compared = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            assertEquals(goldens.columns.size(), cells.length, line);
            Map<String, String> expected = goldens.rows.get(cells[1]);
            if (expected == null) {
                assertEquals("skipped", cells[goldens.columns.indexOf("status")], "below min_evals: " + line);
                continue;
            }
            compared++;
            for (int i = 0; i < cells.length; i++) {
                String column = goldens.columns.get(i);
                String want = expected.get(column);
                String got = cells[i];
                if (isNumber(want) && isNumber(got)) {
                    double w = Double.parseDouble(want);
                    double g = Double.parseDouble(got);
                    double deviation = w == g ? 0 : Math.abs(g - w) / Math.max(Math.abs(w), 1e-300);
                    assertTrue(deviation <= 1e-6 || Math.abs(g - w) <= 1e-12,
                            cells[1] + " " + column + ": WeightWatcher " + want + ", Rankscope " + got);
                } else {
                    assertEquals(want, got, cells[1] + " " + column);
                }
            }
        }
        assertEquals(goldens.rows.size(), compared);
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
