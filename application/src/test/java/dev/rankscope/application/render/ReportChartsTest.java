package dev.rankscope.application.render;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.allocation.Allocator;
import dev.rankscope.analysis.allocation.AllocationInput;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.UniformParamsParameters;
import dev.rankscope.analysis.naming.ModuleType;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import static dev.rankscope.application.render.ReportFixtures.matrix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportChartsTest {

    @Test
    void screeSkipsZeroSingularValuesAndMarksTheEffectiveRank() {
        MatrixAnalysis a = matrix("model.layers.0.mlp.up_proj.weight", 4, 3, 3, 2, 0);
        XYSeriesCollection d = ReportDatasets.scree(a, "s");
        assertEquals(1, d.getSeriesCount());
        assertEquals(2, d.getSeries(0).getItemCount(), "σ = 0 cannot sit on a log axis");
        assertEquals(3.0, d.getY(0, 0).doubleValue());
        assertEquals(2.0, d.getX(0, 1).doubleValue());
        XYPlot plot = ReportCharts.scree(a).getXYPlot();
        assertEquals(1, plot.getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND).size());
    }

    @Test
    void cumulativeEnergyMarksTheSpecCrossings() {
        // SPEC §1 check: σ = [3, 2, 1] → cumulative energy [0.6429, 0.9286, 1], r(0.90) = 2, r(0.95) = 3
        MatrixAnalysis a = matrix("w", 3, 3, 3, 2, 1);
        XYSeriesCollection d = ReportDatasets.cumulativeEnergy(a, "e");
        assertEquals(0.6429, d.getY(0, 0).doubleValue(), 1e-4);
        assertEquals(0.9286, d.getY(0, 1).doubleValue(), 1e-4);
        assertEquals(1.0, d.getY(0, 2).doubleValue(), 1e-12);
        XYPlot plot = ReportCharts.cumulativeEnergy(a).getXYPlot();
        List<String> labels = plot.getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND).stream()
                .map(m -> ((ValueMarker) m).getLabel()).toList();
        assertEquals(List.of("r90 = 2", "r95 = 3", "r99 = 3"), labels);
        assertEquals(3, plot.getRangeMarkers(org.jfree.chart.ui.Layer.BACKGROUND).size(), "90/95/99 % lines");
    }

    @Test
    void esdHasANormalisedHistogramThePowerLawTailAndTheMpBulk() {
        MatrixAnalysis a = matrix("model.layers.0.mlp.down_proj.weight", 96, 64, ReportFixtures.powerLaw(64, 0.8));
        EsdData d = ReportDatasets.esd(a);
        XYIntervalSeriesCollection h = d.histogram();
        assertEquals(1, h.getSeriesCount());
        double mass = 0;
        for (int i = 0; i < h.getItemCount(0); i++) {
            mass += h.getYValue(0, i) * (h.getEndXValue(0, i) - h.getStartXValue(0, i));
        }
        assertEquals(1.0, mass, 1e-9, "density integrates to 1");
        assertEquals(1, d.powerLaw().getSeriesCount());
        assertEquals(a.powerLaw().alpha(), d.alpha());
        assertEquals(a.powerLaw().xmin(), d.xmin());
        // the tail starts at xmin with f·(α−1)/xmin
        double f = (double) a.powerLaw().numTail() / 64;
        assertEquals(a.powerLaw().xmin(), d.powerLaw().getX(0, 0).doubleValue(), 1e-12);
        assertEquals(f * (d.alpha() - 1) / d.xmin(), d.powerLaw().getY(0, 0).doubleValue(), 1e-9);
        assertEquals(1, d.mp().getSeriesCount());
        double sumLambda = 0;
        for (double s : a.spectrum().sigma()) {
            sumLambda += s * s;
        }
        assertEquals(a.mp().bulkMax() * sumLambda / 64, d.bulkEdge(), 1e-12, "bulk edge back on the raw λ scale");
        for (int i = 0; i < d.mp().getItemCount(0); i++) {
            assertTrue(d.mp().getX(0, i).doubleValue() <= d.bulkEdge() * (1 + 1e-12));
        }
        JFreeChart chart = ReportCharts.esd(a);
        XYPlot plot = chart.getXYPlot();
        assertEquals(3, plot.getDatasetCount());
        assertEquals(2, plot.getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND).size(), "xmin and λ₊");
    }

    @Test
    void esdOfAZeroMatrixIsEmptyButDrawable() {
        MatrixAnalysis a = matrix("z", 2, 2, 0, 0);
        EsdData d = ReportDatasets.esd(a);
        assertEquals(0, d.histogram().getItemCount(0));
        assertEquals(0, d.powerLaw().getSeriesCount());
        assertTrue(ChartExport.png(ReportCharts.esd(a), new ChartSize(200, 150)).length > 0);
        assertTrue(ChartExport.png(ReportCharts.scree(a), new ChartSize(200, 150)).length > 0);
    }

    @Test
    void layerMapAveragesCellsAndLeavesMissingMetricsNaN() {
        List<MatrixAnalysis> ms = ReportFixtures.smallModel();
        LayerMapData d = ReportDatasets.layerMap(ms, LayerMetric.EFFECTIVE_RANK_RATIO);
        assertEquals(List.of(LayerMapData.OUTSIDE_LABEL, "L0", "L1"), d.rowLabels());
        assertEquals(List.of("q", "k", "v", "o", "embed"), d.columnLabels());
        assertEquals(7, d.cellCount());
        assertEquals(0, d.min());
        assertEquals(1, d.max());
        // cell (L1, k): x = 1, y = 2
        boolean found = false;
        for (int i = 0; i < d.cellCount(); i++) {
            if (d.dataset().getXValue(0, i) == 1 && d.dataset().getYValue(0, i) == 2) {
                MatrixAnalysis k1 = ms.get(5);
                assertEquals(k1.ranks().effectiveRank() / 16, d.dataset().getZValue(0, i), 1e-12);
                found = true;
            }
        }
        assertTrue(found);
        // a zero matrix has no effective rank: its cell exists but is NaN
        LayerMapData z = ReportDatasets.layerMap(List.of(matrix("model.layers.2.mlp.up_proj.weight", 2, 2, 0, 0)),
                LayerMetric.EFFECTIVE_RANK_RATIO);
        assertEquals(1, z.cellCount());
        assertTrue(Double.isNaN(z.dataset().getZValue(0, 0)));
        assertTrue(Double.isNaN(z.min()));

        JFreeChart chart = ReportCharts.layerMap(ms, LayerMetric.ALPHA);
        assertTrue(chart.getXYPlot().getRenderer() instanceof XYBlockRenderer);
        assertTrue(chart.getSubtitles().stream().anyMatch(t -> t instanceof PaintScaleLegend), "legend");
    }

    @Test
    void intruderChartStacksModulesPerLayer() {
        SortedMap<Integer, Map<ModuleType, Integer>> counts = new TreeMap<>();
        counts.put(0, new EnumMap<>(Map.of(ModuleType.Q, 2)));
        counts.put(1, new EnumMap<>(Map.of(ModuleType.Q, 1, ModuleType.V, 3)));
        counts.put(-1, new EnumMap<>(Map.of(ModuleType.LM_HEAD, 1)));
        DefaultCategoryDataset d = ReportDatasets.intruderCounts(counts);
        assertEquals(List.of("q", "v", "lm_head"), d.getRowKeys());
        assertEquals(List.of(LayerMapData.OUTSIDE_LABEL, "L0", "L1"), d.getColumnKeys());
        assertEquals(3, d.getValue("v", "L1").intValue());
        assertEquals(0, d.getValue("v", "L0").intValue());
        CategoryPlot plot = ReportCharts.intruderCounts(counts).getCategoryPlot();
        assertEquals(3, plot.getDataset().getRowCount());
    }

    @Test
    void planChartShowsKeptAndFullRankPerMatrix() {
        List<MatrixAnalysis> ms = ReportFixtures.smallModel();
        Plan plan = Allocator.plan(ms.stream().map(AllocationInput::from).toList(), Budget.keptFraction(0.5),
                Scope.everything(), Constraints.defaults(), new UniformParamsParameters());
        DefaultCategoryDataset d = ReportDatasets.planRanks(plan);
        assertEquals(List.of(ReportDatasets.FULL_RANK_SERIES, ReportDatasets.KEPT_RANK_SERIES), d.getRowKeys());
        assertEquals(ms.size(), d.getColumnCount());
        for (int c = 0; c < d.getColumnCount(); c++) {
            assertEquals(plan.matrices().get(c).fullRank(), d.getValue(0, c).intValue());
            assertEquals(plan.matrices().get(c).rank(), d.getValue(1, c).intValue());
        }
        assertEquals("L0 q", d.getColumnKey(1));
        assertEquals(2, ReportCharts.planRanks(plan).getCategoryPlot().getDataset().getRowCount());
    }

    @Test
    void pngAndSvgHaveTheRequestedSize() throws IOException {
        MatrixAnalysis a = matrix("model.layers.0.self_attn.q_proj.weight", 32, 32, ReportFixtures.powerLaw(32, 0.5));
        ChartSize size = new ChartSize(420, 270);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(ChartExport.png(ReportCharts.scree(a), size)));
        assertEquals(420, img.getWidth());
        assertEquals(270, img.getHeight());
        String svg = ChartExport.svg(ReportCharts.cumulativeEnergy(a), size);
        assertTrue(svg.startsWith("<svg"), svg.substring(0, 40));
        assertTrue(svg.matches("(?s)<svg[^>]*width=['\"]420(\\.0)?['\"][^>]*>.*"), svg.substring(0, 200));
        assertTrue(svg.matches("(?s)<svg[^>]*height=['\"]270(\\.0)?['\"][^>]*>.*"), svg.substring(0, 200));
        assertTrue(svg.contains("Cumulative energy"));
        assertTrue(svg.trim().endsWith("</svg>"));
        assertFalse(ChartExport.svg(ReportCharts.layerMap(ReportFixtures.smallModel(), LayerMetric.ALPHA), size).isBlank());
    }

    @Test
    void chartSizeIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new ChartSize(10, 300));
        assertThrows(IllegalArgumentException.class, () -> new ChartSize(300, ChartSize.MAX_SIDE + 1));
    }
}
