package dev.rankscope.application.report;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.metrics.RankMetrics;
import dev.rankscope.analysis.report.SourceInfo;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HTML report's text: numbers as the report prints them ("-" for a missing value), a plan's
 * budget, one matrix's facts line, the spectra's precision summary and the model's display name.
 * Pure; returns plain text (callers escape it).
 */
final class ReportText {
    /** Dates as the report prints them (UTC). */
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private ReportText() {
    }

    static String budget(Plan p) {
        return switch (p.budget().kind()) {
            case KEPT_FRACTION -> "keep " + percent(p.budget().keptFraction()) + " of eligible parameters";
            case PARAMS -> grouped(p.budget().amount()) + " parameters";
            case BYTES -> grouped(p.budget().amount()) + " bytes at " + p.budget().dtype().name();
        } + " (allowance " + grouped(p.totals().budgetParams()) + " parameters)";
    }

    static String facts(MatrixAnalysis a) {
        RankMetrics r = a.ranks();
        StringBuilder sb = new StringBuilder();
        sb.append(a.rows()).append("×").append(a.cols()).append(" ").append(a.dtype().name())
                .append(" · erank ").append(fixed(r.effectiveRank(), 1)).append(" of p = ").append(a.fullRank())
                .append(" · stable rank ").append(fixed(r.stableRank(), 2));
        if (a.powerLaw() != null) {
            sb.append(" · α ").append(fixed(a.powerLaw().alpha(), 2)).append(" (xmin ").append(sci(a.powerLaw().xmin()))
                    .append(", D ").append(fixed(a.powerLaw().ksDistance(), 3)).append(")");
        }
        if (a.mp() != null) {
            sb.append(" · MP spikes ").append(a.mp().numSpikes()).append(a.mp().quick() ? " (quick estimate)" : "");
        }
        for (String w : a.warnings()) {
            sb.append(" · ").append(w);
        }
        return sb.toString();
    }

    static String precisionSummary(List<MatrixAnalysis> ms) {
        java.util.TreeMap<String, Integer> counts = new java.util.TreeMap<>();
        for (MatrixAnalysis m : ms) {
            counts.merge(m.spectrum().precision() + " " + m.spectrum().method(), 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((k, v) -> parts.add(v + " × " + k));
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    static String displayName(SourceInfo s) {
        Path p = Path.of(s.path());
        Path file = p.getFileName();
        if (file == null) {
            return s.path();
        }
        String name = file.toString();
        if (name.startsWith("model") && p.getParent() != null && p.getParent().getFileName() != null) {
            return p.getParent().getFileName() + "/" + name;
        }
        return name;
    }

    static String esc(String s) {
        return Html.escape(s);
    }

    static String fixed(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "-";
    }

    static String sci(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "-";
    }

    static String percent(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f %%", 100 * v) : "-";
    }

    static String grouped(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    static String abbrev(String hash) {
        return hash.length() > 16 ? hash.substring(0, 16) + "…" : hash;
    }

    static String join(int[] v) {
        StringBuilder sb = new StringBuilder();
        for (int x : v) {
            sb.append(sb.length() == 0 ? "" : ", ").append(x);
        }
        return sb.toString();
    }

    static String join(double[] v, String format) {
        StringBuilder sb = new StringBuilder();
        for (double x : v) {
            sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, format, x));
        }
        return sb.toString();
    }
}
