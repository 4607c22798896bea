package dev.rankscope.application.report;

import dev.rankscope.application.job.JobJson;
import dev.rankscope.application.model.SweepResult;
import dev.rankscope.application.render.ChartExport;
import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.render.QualityChart;
import dev.rankscope.application.render.ReportFixtures;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report's quality-vs-size section ({@code rankscope report --quality SWEEP.json}, and the
 * workbench export when the Budget tab has a sweep): the chart and the table are built from the
 * sweep JSON's values, after a write/read round trip through the JSON {@code evaluate --sweep --json}
 * writes (NaN written as null and read back as NaN).
 */
class QualitySectionTest {
    private static final ChartSize SIZE = new ChartSize(400, 260);
    private static final String MODEL = "/models/small";

    private static SweepResult causal() {
        SweepResult.Point original = new SweepResult.Point("original", 1, 1, 2_000_000, 75.4912, Math.log(75.4912),
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        List<SweepResult.Point> points = List.of(
                new SweepResult.Point("global-optimal", 0.8, 0.7993, 1_598_600, 76.25, 4.334, 0.0123, 0.912, Double.NaN,
                        0.1021, 0.0987),
                new SweepResult.Point("global-optimal", 0.5, 0.4998, 999_600, 78.08, 4.3577, 0.0360, 0.831, Double.NaN,
                        0.2160, 0.2160),
                new SweepResult.Point("global-optimal@svd-llm", 0.8, 0.8001, 1_600_200, 75.61, 4.3256, 0.0004, 0.987,
                        Double.NaN, 0.0301, 0.0301),
                new SweepResult.Point("global-optimal@svd-llm", 0.5, 0.5002, 1_000_400, 76.14, 4.3326, 0.0021, 0.952,
                        Double.NaN, 0.0620, 0.0620));
        return new SweepResult("causal-lm", MODEL, original, points);
    }

    private static SweepResult roundTrip(SweepResult sweep) {
        return JobJson.readResult(JobJson.write(sweep), SweepResult.class);
    }

    private static String render(SweepResult sweep) {
        return HtmlReport.render(ReportInput.of(ReportFixtures.checkpoint(MODEL, ReportFixtures.smallModel()), 10_000, "1",
                Instant.parse("2026-12-03T12:00:00Z")).withChartSize(SIZE).withQuality(sweep));
    }

    @Test
    void sweepJsonRoundTripKeepsNaN() {
        SweepResult read = roundTrip(causal());
        assertTrue(JobJson.write(causal()).contains("\"meanKl\" : null"), "NaN is written as null");
        assertTrue(Double.isNaN(read.original().meanKl()), "and read back as NaN, not 0");
        assertEquals(causal(), read);
    }

    /** A sweep made with {@code --fused-parts} says so in the legend, the facts table and the caption (and survives its JSON). */
    @Test
    void aSweepOfFusedPartsSaysSoInTheLegendAndTheCaption() throws Exception {
        SweepResult whole = causal();
        SweepResult parts = roundTrip(new SweepResult(whole.kind(), whole.model(), whole.original(), whole.points(), true));
        assertTrue(parts.fusedParts(), "the JSON keeps fusedParts");
        var legend = QualityChart.dataset(parts);
        assertEquals("global-optimal (q/k/v parts)", legend.getSeriesKey(0));
        assertEquals("global-optimal@svd-llm (q/k/v parts)", legend.getSeriesKey(1));
        assertEquals("global-optimal", QualityChart.dataset(whole).getSeriesKey(0));

        Element section = section(parse(render(parts)), HtmlReport.QUALITY_ID);
        String text = section.getTextContent();
        assertTrue(text.contains("fused q/k/vparts planned separately (--fused-parts)"), text);
        assertTrue(text.contains("Plans gave the q, k and v parts of each fused projection their own rank (--fused-parts); "
                + "the legend marks them \"(q/k/v parts)\"."), text);
        Element img = (Element) section.getElementsByTagName("img").item(0);
        assertTrue(img.getAttribute("alt").endsWith("one line per strategy; q/k/v parts of fused projections planned "
                + "separately (--fused-parts)"), img.getAttribute("alt"));
        String wholeText = section(parse(render(whole)), HtmlReport.QUALITY_ID).getTextContent();
        assertTrue(wholeText.contains("fused q/k/vwhole matrices"), wholeText);
        assertFalse(wholeText.contains("planned separately"), wholeText);
    }

    @Test
    void chartAndTableComeFromTheSweepJson() throws Exception {
        SweepResult sweep = roundTrip(causal());
        String html = render(sweep);
        Element section = section(parse(html), HtmlReport.QUALITY_ID);
        assertTrue(html.contains("href=\"#" + HtmlReport.QUALITY_ID + "\""), "table of contents link");
        assertFalse(section.getTextContent().contains("another model"), "same model folder: no warning");

        // the table: the original, then every point in the sweep's order, values as the JSON has them
        NodeList rows = section.getElementsByTagName("tbody").item(0).getChildNodes();
        List<List<String>> cells = new ArrayList<>();
        for (int i = 0; i < rows.getLength(); i++) {
            if (rows.item(i) instanceof Element tr) {
                List<String> row = new ArrayList<>();
                NodeList tds = tr.getElementsByTagName("td");
                for (int j = 0; j < tds.getLength(); j++) {
                    row.add(tds.item(j).getTextContent());
                }
                cells.add(row);
            }
        }
        List<SweepResult.Point> all = new ArrayList<>();
        all.add(sweep.original());
        all.addAll(sweep.points());
        assertEquals(all.size(), cells.size());
        for (int i = 0; i < all.size(); i++) {
            SweepResult.Point p = all.get(i);
            List<String> row = cells.get(i);
            assertEquals(p.strategy(), row.get(0));
            assertEquals(f(p.keptFraction(), 4), row.get(2));
            assertEquals(String.format(Locale.ROOT, "%,d", p.paramsAfter()), row.get(3));
            assertEquals(f(p.perplexity(), 4), row.get(4), "perplexity of " + p.strategy());
            assertEquals(f(p.meanKl(), 6), row.get(6));
            assertEquals(f(p.top1Agreement(), 4), row.get(7));
            assertEquals(f(p.activationRelError(), 4), row.get(9));
        }
        assertEquals("-", cells.get(0).get(6), "the original has no KL");
        assertEquals("78.0800", cells.get(2).get(4));

        // the chart: the PNG is the quality chart of exactly these values
        Element img = (Element) section.getElementsByTagName("img").item(0);
        byte[] png = Base64.getDecoder().decode(img.getAttribute("src").substring("data:image/png;base64,".length()));
        assertNotNull(ImageIO.read(new ByteArrayInputStream(png)));
        ChartSize wide = new ChartSize(Integer.parseInt(img.getAttribute("width")), Integer.parseInt(img.getAttribute("height")));
        assertEquals(new ChartSize(HtmlReport.PLAN_CHART_WIDTH, SIZE.height() + 60), wide);
        assertArrayEquals(ChartExport.png(QualityChart.chart(sweep), wide), png);
        List<SweepResult.Point> moved = new ArrayList<>(sweep.points());
        SweepResult.Point last = moved.remove(3);
        moved.add(new SweepResult.Point(last.strategy(), last.keep(), last.keptFraction(), last.paramsAfter(), 90,
                last.meanNll(), last.meanKl(), last.top1Agreement(), last.cosineMean(), last.planRelError(),
                last.activationRelError()));
        assertFalse(java.util.Arrays.equals(png, ChartExport.png(QualityChart.chart(
                new SweepResult(sweep.kind(), sweep.model(), sweep.original(), moved)), wide)), "a changed value changes the chart");
        assertEquals(2, QualityChart.dataset(sweep).getSeriesCount(), "one line per strategy");
    }

    @Test
    void encoderSweepShowsTheCosineAndWarnsAboutAnotherModel() throws Exception {
        SweepResult.Point original = new SweepResult.Point("original", 1, 1, 22_000_000, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, 1, Double.NaN, Double.NaN);
        SweepResult.Point half = new SweepResult.Point("<b>uniform</b>", 0.5, 0.5, 11_000_000, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, 0.912345, 0.31, Double.NaN);
        SweepResult sweep = roundTrip(new SweepResult("encoder", "/elsewhere/MiniLM", original, List.of(half)));
        String html = render(sweep);
        Element section = section(parse(html), HtmlReport.QUALITY_ID);
        String text = section.getTextContent();
        assertTrue(text.contains("another model"), text);
        assertTrue(text.contains("mean cosine"), text);
        assertTrue(text.contains("0.912345"), text);
        assertTrue(text.contains("<b>uniform</b>"), "strategy names are escaped text");
        assertFalse(html.contains("<b>uniform"));
    }

    private static String f(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "-";
    }

    private static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new InputSource(new StringReader(html)));
    }

    private static Element section(Document doc, String id) {
        NodeList nodes = doc.getElementsByTagName("section");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            if (id.equals(e.getAttribute("id"))) {
                return e;
            }
        }
        throw new AssertionError("no section " + id);
    }
}
