package dev.rankscope.application.report;

import dev.rankscope.analysis.AnalysisCollector;
import dev.rankscope.analysis.AnalyzeTask;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.allocation.AllocationInput;
import dev.rankscope.analysis.allocation.Allocator;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.UniformParamsParameters;
import dev.rankscope.analysis.intruders.IntruderMatrixResult;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.analysis.report.SourceInfo;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.CheckpointWriteException;
import dev.rankscope.engine.io.HeaderDigest;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixExtractor;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.synth.SampleCheckpoints;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.render.ReportFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTML report on the generated sample model (analysed once for the class). */
class HtmlReportTest {
    private static final ChartSize SIZE = new ChartSize(400, 260);
    private static final Instant GENERATED = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    static Path dir;
    static SampleCheckpoints.Samples samples;
    static CheckpointAnalysis analysis;
    static Map<String, String> metadata;
    static long totalParameters;
    /** The sample's report with a plan and a comparison, rendered once (it draws ~25 charts). */
    static String full;

    @BeforeAll
    static void analyseSample() {
        samples = SampleCheckpoints.writeAll(dir);
        SvdBackend backend = Backends.select(Backends.Preference.AUTO);
        try (TensorSource source = Checkpoints.open(samples.base())) {
            List<MatrixRef> refs = MatrixExtractor.matrices(source.tensors());
            AnalysisCollector collector = new AnalysisCollector(refs);
            AnalyzeTask task = new AnalyzeTask(source, refs, backend, Precision.F64, 2, collector);
            task.run();
            assertEquals(AbstractTask.Status.FINISHED, task.status());
            analysis = new CheckpointAnalysis(new SourceInfo(source.path().toString(), source.format(),
                    HeaderDigest.sha256(source), source.tensors().size(), refs.size()), backend.info(),
                    collector.analyses(), Instant.parse("2026-11-23T09:59:00Z"), collector.failureMessages());
            metadata = source.metadata();
            totalParameters = source.tensors().stream().mapToLong(TensorInfo::numel).sum();
        }
        full = HtmlReport.render(input().withPlan(plan()).withComparison(comparison()));
    }

    private static ReportInput input() {
        return new ReportInput(analysis, metadata, ModelConfigFacts.near(samples.base()), totalParameters, null, null, null,
                "9.9.9-test", GENERATED, SIZE);
    }

    /** A report of a hand-made 7-matrix model: quick to render. */
    private static ReportInput small() {
        return ReportInput.of(ReportFixtures.checkpoint("/models/small", ReportFixtures.smallModel()), 10_000, "1", GENERATED)
                .withChartSize(SIZE);
    }

    private static Plan plan() {
        return Allocator.plan(analysis.matrices().stream().map(AllocationInput::from).toList(), Budget.keptFraction(0.6),
                Scope.everything(), Constraints.defaults(), new UniformParamsParameters());
    }

    private static IntruderSummary comparison() {
        TreeMap<Integer, Map<ModuleType, Integer>> perLayer = new TreeMap<>();
        perLayer.put(1, new EnumMap<>(Map.of(ModuleType.Q, 1)));
        return new IntruderSummary(samples.base().toString(), samples.lora().toString(), 10, 0.5, 8, perLayer,
                List.of(new IntruderSummary.MatrixIntruders("model.layers.1.self_attn.q_proj.weight", "128×128",
                        new IntruderMatrixResult.Intruders(new int[]{1}, new double[]{4.2}, new double[]{0.31}), 0.12)),
                List.of("2 tensors only in the base"));
    }

    private static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new InputSource(new StringReader(html)));
    }

    @Test
    void reportIsWellFormedAndHasEverySection() throws Exception {
        String html = full;
        Document doc = parse(html); // throws on any unbalanced tag or bad entity
        assertEquals("html", doc.getDocumentElement().getTagName());
        List<String> ids = new ArrayList<>();
        NodeList sections = doc.getElementsByTagName("section");
        for (int i = 0; i < sections.getLength(); i++) {
            ids.add(((Element) sections.item(i)).getAttribute("id"));
        }
        assertEquals(List.of(HtmlReport.SUMMARY_ID, HtmlReport.METRICS_ID, HtmlReport.LAYER_MAP_ID, HtmlReport.SPECTRA_ID,
                HtmlReport.INTRUDERS_ID, HtmlReport.PLAN_ID), ids);
        Element footer = (Element) doc.getElementsByTagName("footer").item(0);
        assertEquals(HtmlReport.PROVENANCE_ID, footer.getAttribute("id"));
        String provenance = footer.getTextContent();
        assertTrue(provenance.contains(analysis.source().headerSha256()), "header hash");
        assertTrue(provenance.contains("Rankscope 9.9.9-test"), "tool version");
        assertTrue(provenance.contains(analysis.engine().describe()), "engine");
        assertTrue(provenance.contains("2026-11-23 10:00:00 UTC"), "report date");
        assertTrue(provenance.contains("2026-11-23 09:59:00 UTC"), "analysis date");

        // metrics table: one row per matrix, the CLI's 14 columns
        Element metrics = byId(doc, HtmlReport.METRICS_ID);
        Element table = (Element) metrics.getElementsByTagName("table").item(0);
        assertEquals(analysis.matrices().size(), ((Element) table.getElementsByTagName("tbody").item(0))
                .getElementsByTagName("tr").getLength());
        assertEquals(14, table.getElementsByTagName("th").getLength());
        assertTrue(metrics.getTextContent().contains("model.layers.2.mlp.down_proj.weight"));

        // summary shows config.json facts and the totals
        String summary = byId(doc, HtmlReport.SUMMARY_ID).getTextContent();
        assertTrue(summary.contains("LlamaForCausalLM"), "config.json architectures");
        assertTrue(summary.contains(String.format(java.util.Locale.ROOT, "%,d", totalParameters)));
        // intruder and plan sections carry their data
        assertTrue(byId(doc, HtmlReport.INTRUDERS_ID).getTextContent().contains("2 tensors only in the base"));
        assertTrue(byId(doc, HtmlReport.PLAN_ID).getTextContent().contains("uniform-params"));
    }

    @Test
    void everyImageIsAnEmbeddedPngOfTheStatedSize() throws Exception {
        String html = full;
        Document doc = parse(html);
        NodeList imgs = doc.getElementsByTagName("img");
        int notable = NotableMatrices.select(analysis.matrices()).size();
        // 2 layer maps + 3 per notable matrix + intruder chart + plan chart
        assertEquals(2 + 3 * notable + 2, imgs.getLength());
        int spectrumSized = 0;
        for (int i = 0; i < imgs.getLength(); i++) {
            Element img = (Element) imgs.item(i);
            String src = img.getAttribute("src");
            assertTrue(src.startsWith("data:image/png;base64,"), "embedded, not linked");
            byte[] png = Base64.getDecoder().decode(src.substring("data:image/png;base64,".length()));
            assertTrue(png.length > 1000);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertNotNull(image, "decodes as an image");
            assertEquals(Integer.parseInt(img.getAttribute("width")), image.getWidth());
            assertEquals(Integer.parseInt(img.getAttribute("height")), image.getHeight());
            assertFalse(img.getAttribute("alt").isBlank());
            if (image.getWidth() == SIZE.width() && image.getHeight() == SIZE.height()) {
                spectrumSized++;
            }
        }
        assertTrue(spectrumSized >= 3 * notable + 1, "spectrum and intruder charts at the requested size");
        Element layerMap = byId(doc, HtmlReport.LAYER_MAP_ID);
        Element first = (Element) layerMap.getElementsByTagName("img").item(0);
        assertEquals(SIZE.width(), Integer.parseInt(first.getAttribute("width")));
        assertEquals(HtmlReport.layerMapHeight(SIZE, 5), Integer.parseInt(first.getAttribute("height")),
                "4 layers + the outside row");
    }

    @Test
    void reportIsSelfContained() {
        String html = full;
        assertFalse(html.toLowerCase(java.util.Locale.ROOT).contains("<script"), "no scripts");
        assertFalse(html.contains("<link"), "no stylesheets or fonts loaded");
        assertFalse(html.contains("@import") || html.contains("url("), "no CSS resources");
        Matcher src = Pattern.compile("src=\"([^\"]*)\"").matcher(html);
        while (src.find()) {
            assertTrue(src.group(1).startsWith("data:"), src.group(1));
        }
        Matcher href = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
        while (href.find()) {
            assertTrue(href.group(1).startsWith("#"), "only in-page links: " + href.group(1));
        }
    }

    @Test
    void withoutPlanOrComparisonThoseSectionsAreAbsent() throws Exception {
        String plain = HtmlReport.render(small());
        Document doc = parse(plain);
        assertEquals(4, doc.getElementsByTagName("section").getLength());
        assertFalse(plain.contains("id=\"" + HtmlReport.PLAN_ID + "\""));
        assertFalse(plain.contains("id=\"" + HtmlReport.INTRUDERS_ID + "\""));
    }

    @Test
    void namesFromTheCheckpointAreEscaped() throws Exception {
        String evil = "model.layers.0.<script>alert('x')</script>&\"q_proj.weight";
        List<MatrixAnalysis> ms = new ArrayList<>(ReportFixtures.smallModel());
        ms.add(ReportFixtures.matrix(evil, 8, 8, ReportFixtures.powerLaw(8, 3.0)));
        CheckpointAnalysis a = ReportFixtures.checkpoint("/models/<b>bold</b>", ms);
        ReportInput in = new ReportInput(a, Map.of("<meta>", "<img src=x onerror=alert(1)>"),
                Map.of("model_type", "</style><script>"), 1000, null, null, null, "1", GENERATED, SIZE);
        String html = HtmlReport.render(in);
        assertFalse(html.contains("<script"), "no live script tag");
        assertFalse(html.contains("<img src=x"));
        assertFalse(html.contains("<b>bold"));
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;q_proj.weight"));
        Document doc = parse(html);
        assertTrue(byId(doc, HtmlReport.METRICS_ID).getTextContent().contains(evil), "rendered as text");
        assertEquals(0, doc.getElementsByTagName("script").getLength());
    }

    @Test
    void writesAtomicallyAndRefusesToOverwriteTheCheckpoint() throws Exception {
        Path model = samples.base().resolve("model.safetensors");
        byte[] before = Files.readAllBytes(model);
        AtomicFileWriter files;
        try (TensorSource source = Checkpoints.open(samples.base())) {
            files = new AtomicFileWriter(source.files());
        }
        CheckpointWriteException e = assertThrows(CheckpointWriteException.class,
                () -> HtmlReport.write(small(), model, files));
        assertTrue(e.getMessage().contains("refusing to overwrite"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(model));

        Path out = dir.resolve("out/report.html");
        HtmlReport.write(small(), out, files);
        String written = Files.readString(out);
        assertTrue(written.startsWith("<!DOCTYPE html>"));
        assertTrue(written.contains("id=\"" + HtmlReport.PROVENANCE_ID + "\""));
    }

    private static Element byId(Document doc, String id) {
        for (String tag : List.of("section", "footer")) {
            NodeList nodes = doc.getElementsByTagName(tag);
            for (int i = 0; i < nodes.getLength(); i++) {
                Element e = (Element) nodes.item(i);
                if (id.equals(e.getAttribute("id"))) {
                    return e;
                }
            }
        }
        throw new AssertionError("no element with id " + id);
    }
}
