package dev.rankscope.application.subspaces;

import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.analysis.metrics.RankMeasures;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.analysis.report.SourceInfo;
import dev.rankscope.analysis.subspace.AdjacentGrouping;
import dev.rankscope.analysis.subspace.JointDecomposition;
import dev.rankscope.analysis.subspace.PrincipalAngles;
import dev.rankscope.analysis.subspace.Side;
import dev.rankscope.analysis.subspace.SingularBasis;
import dev.rankscope.analysis.subspace.Stacking;
import dev.rankscope.application.job.Job;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.HeaderDigest;
import dev.rankscope.engine.io.ProtectedInputs;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The subspaces use case (SPEC §11): thin SVDs with vectors of the selected matrices (held once,
 * reused by every pair), principal angles and overlap of every pair that shares a side, joint
 * decompositions of the requested groups, and for adjacent groups the greedy grouping suggestion.
 * Run by {@code rankscope subspaces} and the workbench alike.
 *
 * <p>Bad input is an {@link IllegalArgumentException} whose message is the user's sentence
 * (fewer than two matching matrices, k larger than a rank, a group of incompatible shapes, a
 * memory estimate above what the process may use). Cancel is checked between matrices and pairs.
 */
public final class SubspacesJob implements Job<SubspacesParameters, SubspacesResult> {
    private static final Pattern EXPERT_NAME = Pattern.compile("^(.*\\.experts)\\.(\\d+)\\.(.*)$");
    private static final Pattern EXPERT_SLICE = Pattern.compile("^(.*)\\[(\\d+)]$");
    /** Share of the heap the singular bases may take before the run is refused. */
    private static final double HEAP_SHARE = 0.7;

    @Override
    public String name() {
        return "subspaces";
    }

    @Override
    public JobTask<SubspacesResult> task(SubspacesParameters parameters) {
        return new Task(parameters);
    }

    /** Bytes the singular bases of {@code refs} take (σ, U, V in float64). */
    public static long memoryEstimate(List<MatrixRef> refs) {
        long bytes = 0;
        for (MatrixRef r : refs) {
            bytes += SingularBasis.bytes(r.rows(), r.cols());
        }
        return bytes;
    }

    private static final class Task extends JobTask<SubspacesResult> {
        private final SubspacesParameters p;
        private final List<String> notes = new ArrayList<>();

        Task(SubspacesParameters p) {
            super("Subspaces of " + p.checkpoint().getFileName());
            this.p = p;
        }

        @Override
        protected SubspacesResult compute() {
            SvdBackend backend = Backends.select(p.engine());
            try (TensorSource source = Checkpoints.open(p.checkpoint())) {
                List<java.nio.file.Path> inputs = new ArrayList<>(ProtectedInputs.of(source));
                inputs.add(p.checkpoint());
                AtomicFileWriter files = ProtectedInputs.checked(inputs, p.json(), p.csv());
                List<MatrixRef> refs = select(MatrixListing.of(source, false).matrices());
                long memory = memoryEstimate(refs);
                long limit = (long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE);
                if (memory > limit) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "the singular vectors of %d matrices need about %.1f GB, more than this process may use "
                                    + "(%.1f GB); select fewer matrices or run with a larger -Xmx",
                            refs.size(), memory / 1e9, limit / 1e9));
                }
                note(String.format(Locale.ROOT, "%d matrices; singular vectors held: about %.1f MB", refs.size(), memory / 1e6));
                Map<String, SingularBasis> bases = new LinkedHashMap<>();
                Map<String, MatrixRef> byId = new HashMap<>();
                int done = 0;
                for (MatrixRef r : refs) {
                    checkCancelled();
                    progress(0.8 * done / refs.size(), "SVD of " + r.id());
                    Matrix w = MatrixReader.read(source, r);
                    bases.put(r.id(), SingularBasis.of(r.id(), backend.svd(w)));
                    byId.put(r.id(), r);
                    done++;
                }
                List<SubspacesResult.Pair> pairs = pairs(refs, bases, backend);
                progress(0.85, "joint decompositions");
                List<SubspacesResult.Group> groups = new ArrayList<>();
                for (List<MatrixRef> g : groups(refs)) {
                    checkCancelled();
                    JointDecomposition.Result joint = joint(source, g, bases, backend);
                    if (joint != null) {
                        groups.add(new SubspacesResult.Group(p.grouping().label(), joint));
                    }
                }
                SubspacesResult.Suggestion suggestion = p.grouping().kind() == SubspacesParameters.Grouping.Kind.ADJACENT
                        ? suggest(source, refs, bases, backend) : null;
                SourceInfo info = new SourceInfo(source.path().toString(), source.format(), HeaderDigest.sha256(source),
                        source.tensors().size(), refs.size());
                notes.forEach(this::note);
                SubspacesResult result = new SubspacesResult(info, p, refs.stream().map(MatrixRef::id).toList(), pairs,
                        groups, suggestion, memory, notes, List.of());
                List<java.nio.file.Path> written = new ArrayList<>();
                if (p.json() != null) {
                    files.writeBytes(p.json(), SubspacesJson.toJson(result).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    written.add(p.json());
                }
                if (p.csv() != null) {
                    files.writeBytes(p.csv(), SubspacesJson.pairsCsv(result).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    written.add(p.csv());
                }
                return new SubspacesResult(info, p, result.matrices(), pairs, groups, suggestion, memory, notes, written);
            }
        }

        /** The matrices the parameters name, parts (#q/#k/#v) included, per-head views and pooled conv excluded. */
        private List<MatrixRef> select(List<MatrixRef> all) {
            List<MatrixRef> out = new ArrayList<>();
            boolean kv = p.grouping().kind() == SubspacesParameters.Grouping.Kind.KV;
            ModuleType type = kv ? null : moduleType(p.module());
            Pattern pattern = kv || type != null ? null : compile(p.module());
            for (MatrixRef r : all) {
                if (r.isPooled() || r.id().contains(NameParser.PART + "head")) {
                    continue;
                }
                MatrixName name = NameParser.parse(r.id());
                boolean match = kv ? (name.module() == ModuleType.K || name.module() == ModuleType.V)
                        : type != null ? name.module() == type : pattern.matcher(r.id()).find();
                if (match) {
                    out.add(r);
                }
            }
            if (out.size() < 2) {
                throw new IllegalArgumentException(out.size() + " matri" + (out.size() == 1 ? "x" : "ces") + " of "
                        + p.checkpoint().getFileName() + " match " + (kv ? "K or V" : "'" + p.module() + "'")
                        + "; comparing subspaces needs at least two");
            }
            return out;
        }

        private static ModuleType moduleType(String module) {
            String m = module.trim().toLowerCase(Locale.ROOT);
            for (ModuleType t : ModuleType.values()) {
                if (t.label().equals(m)) {
                    return t;
                }
            }
            return null;
        }

        private static Pattern compile(String regex) {
            try {
                return Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("module '" + regex + "' is neither a module type nor a valid regular expression: "
                        + e.getDescription());
            }
        }

        private List<SubspacesResult.Pair> pairs(List<MatrixRef> refs, Map<String, SingularBasis> bases, SvdBackend backend) {
            List<MatrixRef[]> candidates = new ArrayList<>();
            switch (p.grouping().kind()) {
                case EXPERTS -> {
                    for (List<MatrixRef> g : expertGroups(refs)) {
                        addAllPairs(g, candidates);
                    }
                }
                case KV -> {
                    for (List<MatrixRef> g : kvGroups(refs)) {
                        candidates.add(new MatrixRef[]{g.get(0), g.get(1)});
                    }
                }
                default -> addAllPairs(refs, candidates);
            }
            List<SubspacesResult.Pair> out = new ArrayList<>();
            int skipped = 0;
            int i = 0;
            for (MatrixRef[] c : candidates) {
                checkCancelled();
                if (i++ % 64 == 0) {
                    progress(0.8 + 0.05 * i / candidates.size(), "principal angles");
                }
                boolean any = false;
                for (Side side : sides()) {
                    SingularBasis a = bases.get(c[0].id());
                    SingularBasis b = bases.get(c[1].id());
                    if (a.basis(side).rows() != b.basis(side).rows()) {
                        continue;
                    }
                    int k = k(a, b);
                    PrincipalAngles.Result r = PrincipalAngles.compare(a.basis(side), b.basis(side), k, backend);
                    out.add(new SubspacesResult.Pair(a.id(), b.id(), side, k, r.cosines(), r.overlap()));
                    any = true;
                }
                skipped += any ? 0 : 1;
            }
            if (skipped > 0) {
                notes.add(skipped + " pair(s) share no " + (p.sides() == SubspacesParameters.Sides.BOTH ? "side"
                        : p.sides().name().toLowerCase(Locale.ROOT) + " dimension") + " and were not compared");
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no two selected matrices of " + p.checkpoint().getFileName()
                        + " have compatible shapes (" + describeShapes(refs) + ")");
            }
            return out;
        }

        private List<Side> sides() {
            return switch (p.sides()) {
                case LEFT -> List.of(Side.LEFT);
                case RIGHT -> List.of(Side.RIGHT);
                case BOTH -> List.of(Side.LEFT, Side.RIGHT);
            };
        }

        private int k(SingularBasis a, SingularBasis b) {
            int cap = Math.min(a.rank(), b.rank());
            if (p.k() != null) {
                if (p.k() > cap) {
                    SingularBasis small = a.rank() <= b.rank() ? a : b;
                    throw new IllegalArgumentException("k = " + p.k() + " is larger than the rank of " + small.id() + " ("
                            + small.rows() + "×" + small.cols() + ": rank at most " + small.rank() + ")");
                }
                return p.k();
            }
            int ka = Math.max(1, RankMeasures.rankAtEnergy(a.sigma(), p.energy()));
            int kb = Math.max(1, RankMeasures.rankAtEnergy(b.sigma(), p.energy()));
            return Math.min(cap, Math.max(ka, kb));
        }

        private static void addAllPairs(List<MatrixRef> refs, List<MatrixRef[]> out) {
            for (int i = 0; i < refs.size(); i++) {
                for (int j = i + 1; j < refs.size(); j++) {
                    out.add(new MatrixRef[]{refs.get(i), refs.get(j)});
                }
            }
        }

        private List<List<MatrixRef>> groups(List<MatrixRef> refs) {
            return switch (p.grouping().kind()) {
                case NONE -> List.of();
                case EXPERTS -> expertGroups(refs);
                case KV -> kvGroups(refs);
                case ADJACENT -> {
                    List<List<MatrixRef>> out = new ArrayList<>();
                    List<MatrixRef> ordered = byLayer(refs);
                    int size = p.grouping().size();
                    for (int i = 0; i + 1 < ordered.size(); i += size) {
                        out.add(ordered.subList(i, Math.min(ordered.size(), i + size)));
                    }
                    if (!out.isEmpty() && out.get(out.size() - 1).size() < 2) {
                        out.remove(out.size() - 1);
                    }
                    yield out;
                }
            };
        }

        private List<MatrixRef> byLayer(List<MatrixRef> refs) {
            List<MatrixRef> ordered = new ArrayList<>(refs);
            ordered.sort(Comparator.comparingInt(r -> NameParser.parse(r.id()).layer()));
            return ordered;
        }

        private List<List<MatrixRef>> expertGroups(List<MatrixRef> refs) {
            Map<String, List<MatrixRef>> groups = new LinkedHashMap<>();
            for (MatrixRef r : refs) {
                Matcher named = EXPERT_NAME.matcher(r.id());
                Matcher slice = EXPERT_SLICE.matcher(r.id());
                String key = named.matches() ? named.group(1) + ".*." + named.group(3)
                        : slice.matches() ? slice.group(1) + "[*]" : null;
                if (key != null) {
                    groups.computeIfAbsent(key, x -> new ArrayList<>()).add(r);
                }
            }
            List<List<MatrixRef>> out = groups.values().stream().filter(g -> g.size() >= 2).toList();
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no experts among the matrices of " + p.checkpoint().getFileName()
                        + " that match '" + p.module() + "' (expected names like …experts.3.w1 or fused expert tensors)");
            }
            return out;
        }

        private List<List<MatrixRef>> kvGroups(List<MatrixRef> refs) {
            Map<Integer, MatrixRef[]> layers = new LinkedHashMap<>();
            for (MatrixRef r : refs) {
                MatrixName n = NameParser.parse(r.id());
                MatrixRef[] kv = layers.computeIfAbsent(n.layer(), x -> new MatrixRef[2]);
                kv[n.module() == ModuleType.K ? 0 : 1] = r;
            }
            List<List<MatrixRef>> out = new ArrayList<>();
            for (Map.Entry<Integer, MatrixRef[]> e : layers.entrySet()) {
                if (e.getValue()[0] != null && e.getValue()[1] != null) {
                    out.add(List.of(e.getValue()[0], e.getValue()[1]));
                } else {
                    notes.add("layer " + e.getKey() + " has no " + (e.getValue()[0] == null ? "K" : "V") + " matrix to pair");
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no layer of " + p.checkpoint().getFileName() + " has both a K and a V matrix");
            }
            return out;
        }

        /** The group's joint decomposition, or null (with a note) when its shapes cannot be stacked. */
        private JointDecomposition.Result joint(TensorSource source, List<MatrixRef> group, Map<String, SingularBasis> bases,
                                                SvdBackend backend) {
            Stacking stacking = stacking(group);
            if (stacking == null) {
                notes.add("group " + group.stream().map(MatrixRef::id).toList() + " shares neither dimension ("
                        + describeShapes(group) + "); not decomposed jointly");
                return null;
            }
            List<String> ids = new ArrayList<>();
            List<Matrix> matrices = new ArrayList<>();
            List<double[]> sigmas = new ArrayList<>();
            for (MatrixRef r : group) {
                ids.add(r.id());
                matrices.add(MatrixReader.read(source, r));
                sigmas.add(bases.get(r.id()).sigma());
            }
            return JointDecomposition.analyse(ids, matrices, sigmas, stacking, p.targetError(), backend);
        }

        private static Stacking stacking(List<MatrixRef> group) {
            boolean sameCols = group.stream().allMatch(r -> r.cols() == group.get(0).cols());
            boolean sameRows = group.stream().allMatch(r -> r.rows() == group.get(0).rows());
            return sameCols ? Stacking.VERTICAL : sameRows ? Stacking.HORIZONTAL : null;
        }

        private SubspacesResult.Suggestion suggest(TensorSource source, List<MatrixRef> refs, Map<String, SingularBasis> bases,
                                                   SvdBackend backend) {
            List<MatrixRef> ordered = byLayer(refs);
            Map<String, Long> memo = new HashMap<>();
            AdjacentGrouping.Suggestion s = AdjacentGrouping.suggest(ordered.size(), p.maxGroupSize(), range -> {
                checkCancelled();
                return memo.computeIfAbsent(range[0] + ":" + range[1], key -> {
                    List<MatrixRef> g = ordered.subList(range[0], range[1]);
                    if (g.size() == 1) {
                        return aloneCost(bases.get(g.get(0).id()));
                    }
                    JointDecomposition.Result j = joint(source, g, bases, backend);
                    return j == null ? Long.MAX_VALUE / 4 : j.bestParams();
                });
            });
            List<List<String>> groups = new ArrayList<>();
            for (int[] g : s.groups()) {
                groups.add(ordered.subList(g[0], g[1]).stream().map(MatrixRef::id).toList());
            }
            return new SubspacesResult.Suggestion(groups, s.params(), s.aloneParams());
        }

        /** One matrix alone at the target error: min(rank-k factors, dense). */
        private long aloneCost(SingularBasis b) {
            double[] tail = JointDecomposition.tailEnergy(b.sigma());
            double allowed = p.targetError() * p.targetError() * tail[0];
            int k = 0;
            while (k < b.rank() && tail[k] > allowed * (1 + 1e-12)) {
                k++;
            }
            return Math.min((long) k * (b.rows() + b.cols()), (long) b.rows() * b.cols());
        }

        private static String describeShapes(List<MatrixRef> refs) {
            return refs.stream().map(r -> r.rows() + "×" + r.cols()).distinct().limit(6)
                    .reduce((a, b) -> a + ", " + b).orElse("");
        }
    }
}
