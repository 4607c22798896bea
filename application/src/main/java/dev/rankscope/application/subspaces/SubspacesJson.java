package dev.rankscope.application.subspaces;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.rankscope.application.job.JobJson;

import java.util.List;

/**
 * The {@code rankscope-subspaces} JSON of a {@link SubspacesResult} (README "Subspaces JSON"):
 * {@code {"format", "version", "source", "parameters", "matrices", "memory_bytes", "pairs": [{"a",
 * "b", "side", "k", "cosines", "overlap"}], "groups": [{…}], "suggested_grouping": {…}|null, "notes"}}.
 */
public final class SubspacesJson {
    /** The format tag. */
    public static final String FORMAT = "rankscope-subspaces";
    /** The format version. */
    public static final int VERSION = 1;

    private SubspacesJson() {
    }

    @JsonPropertyOrder({"format", "version", "source", "parameters", "matrices", "memory_bytes", "pairs", "groups",
            "suggested_grouping", "notes"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Document(String format, int version, Source source, Parameters parameters, List<String> matrices,
                    @JsonProperty("memory_bytes") long memoryBytes, List<Pair> pairs, List<Group> groups,
                    @JsonProperty("suggested_grouping") Suggestion suggestedGrouping, List<String> notes) {
    }

    @JsonPropertyOrder({"path", "format", "sha256", "tensors"})
    record Source(String path, String format, String sha256, int tensors) {
    }

    @JsonPropertyOrder({"module", "k", "energy", "sides", "groups", "target_error", "max_group_size"})
    record Parameters(String module, Integer k, double energy, String sides, String groups,
                      @JsonProperty("target_error") double targetError, @JsonProperty("max_group_size") int maxGroupSize) {
    }

    @JsonPropertyOrder({"a", "b", "side", "k", "cosines", "overlap"})
    record Pair(String a, String b, String side, int k, double[] cosines, double overlap) {
    }

    @JsonPropertyOrder({"kind", "members", "stacking", "target_error", "shared_rank", "shared_params", "shared_rel_error",
            "separate_ranks", "separate_params", "separate_rel_error", "separate_exact", "dense_params", "saved_params",
            "stacked_sigma"})
    record Group(String kind, List<String> members, String stacking, @JsonProperty("target_error") double targetError,
                 @JsonProperty("shared_rank") int sharedRank, @JsonProperty("shared_params") long sharedParams,
                 @JsonProperty("shared_rel_error") double sharedRelError,
                 @JsonProperty("separate_ranks") int[] separateRanks, @JsonProperty("separate_params") long separateParams,
                 @JsonProperty("separate_rel_error") double separateRelError,
                 @JsonProperty("separate_exact") boolean separateExact, @JsonProperty("dense_params") long denseParams,
                 @JsonProperty("saved_params") long savedParams, @JsonProperty("stacked_sigma") double[] stackedSigma) {
    }

    @JsonPropertyOrder({"groups", "params", "alone_params"})
    record Suggestion(List<List<String>> groups, long params, @JsonProperty("alone_params") long aloneParams) {
    }

    /** The JSON text of {@code r}. */
    public static String toJson(SubspacesResult r) {
        SubspacesParameters p = r.parameters();
        Document d = new Document(FORMAT, VERSION,
                new Source(r.source().path(), r.source().format(), r.source().headerSha256(), r.source().tensorCount()),
                new Parameters(p.module(), p.k(), p.energy(), p.sides().name().toLowerCase(java.util.Locale.ROOT),
                        p.grouping().label(), p.targetError(), p.maxGroupSize()),
                r.matrices(), r.memoryBytes(),
                r.pairs().stream().map(x -> new Pair(x.a(), x.b(), x.side().label(), x.k(), x.cosines(), x.overlap())).toList(),
                r.groups().stream().map(g -> {
                    var j = g.joint();
                    return new Group(g.kind(), j.ids(), j.stacking().label(), j.targetError(), j.sharedRank(), j.sharedParams(),
                            j.sharedRelError(), j.separateRanks(), j.separateParams(), j.separateRelError(), j.separateExact(),
                            j.denseParams(), j.savedParams(), j.stackedSigma());
                }).toList(),
                r.suggestion() == null ? null
                        : new Suggestion(r.suggestion().groups(), r.suggestion().params(), r.suggestion().aloneParams()),
                r.notes());
        return JobJson.write(d) + "\n";
    }

    /** The pairs as CSV: {@code a,b,side,k,overlap,min_cosine,max_cosine,cosines} (cosines ';'-separated). */
    public static String pairsCsv(SubspacesResult r) {
        StringBuilder sb = new StringBuilder("a,b,side,k,overlap,min_cosine,max_cosine,cosines\n");
        for (SubspacesResult.Pair x : r.pairs()) {
            double[] c = x.cosines();
            StringBuilder cs = new StringBuilder();
            for (int i = 0; i < c.length; i++) {
                cs.append(i == 0 ? "" : ";").append(c[i]);
            }
            sb.append(csv(x.a())).append(',').append(csv(x.b())).append(',').append(x.side().label()).append(',')
                    .append(x.k()).append(',').append(x.overlap()).append(',').append(c[c.length - 1]).append(',')
                    .append(c[0]).append(',').append(cs).append('\n');
        }
        return sb.toString();
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
