package dev.rankscope.engine.hub;

import dev.rankscope.engine.RankscopeException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The local Hugging Face hub cache, read without network: the folder is {@code $HF_HUB_CACHE},
 * else {@code $HF_HOME/hub}, else {@code $XDG_CACHE_HOME/huggingface/hub}, else
 * {@code ~/.cache/huggingface/hub} (huggingface_hub's own rule). A model lives in
 * {@code models--<org>--<name>/} with {@code snapshots/<commit>/} (files, usually symlinks into
 * {@code blobs/}) and {@code refs/<branch or tag>} (a file holding the commit).
 *
 * <p>{@code hf:org/name[@revision]} names a snapshot: the revision (default {@code main}) is a ref
 * name, a full commit or a unique commit prefix. Immutable; thread-safe; reads the file system on
 * every call.
 */
public final class HuggingFaceCache {

    /** Prefix of a cache reference on the command line. */
    public static final String SCHEME = "hf:";
    /** Revision used when a reference names none. */
    public static final String DEFAULT_REVISION = "main";

    private final Path root;

    /**
     * One cached snapshot of a model repository.
     *
     * @param repoId    {@code org/name}
     * @param revision  the commit hash (the snapshot folder's name)
     * @param refs      branch/tag names pointing at it (e.g. {@code main}), sorted
     * @param snapshot  the snapshot folder
     * @param sizeBytes total size of its files (symlinks followed)
     * @param format    what its weights are: safetensors, pytorch, gguf, onnx, numpy, peft-adapter, or "no weights"
     */
    public record CachedModel(String repoId, String revision, List<String> refs, Path snapshot, long sizeBytes,
                              String format) {
        public CachedModel {
            refs = List.copyOf(refs);
        }

        /** {@code hf:org/name@revision} (the ref name when one points here, else the commit). */
        public String reference() {
            return SCHEME + repoId + "@" + (refs.isEmpty() ? revision : refs.get(0));
        }
    }

    /** A cache at {@code root} (it need not exist: then it lists no models). */
    public HuggingFaceCache(Path root) {
        this.root = root;
    }

    /** The cache of this process's environment and home folder. */
    public static HuggingFaceCache fromEnvironment() {
        return new HuggingFaceCache(locate(System.getenv(), Path.of(System.getProperty("user.home"))));
    }

    /** The cache folder by huggingface_hub's rule (see class doc) for {@code env} and {@code home}. */
    public static Path locate(Map<String, String> env, Path home) {
        String hub = env.get("HF_HUB_CACHE");
        if (hub != null && !hub.isBlank()) {
            return Path.of(hub);
        }
        String hfHome = env.get("HF_HOME");
        if (hfHome != null && !hfHome.isBlank()) {
            return Path.of(hfHome).resolve("hub");
        }
        String xdg = env.get("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".cache");
        return cache.resolve("huggingface").resolve("hub");
    }

    /** The cache folder. */
    public Path root() {
        return root;
    }

    /**
     * {@code path} itself, or, when it does not exist and is spelled as an {@code hf:org/name[@revision]}
     * reference, that model's snapshot folder in this process's cache ({@link #fromEnvironment()}). The one
     * rule every reader of a user-given path applies (checkpoints, PEFT adapters), so {@code hf:} works
     * wherever a path does.
     *
     * @throws dev.rankscope.engine.RankscopeException naming the reference when it is not cached
     */
    public static Path resolveIfReference(Path path) {
        if (!java.nio.file.Files.exists(path) && isReference(path.toString())) {
            return fromEnvironment().resolve(path.toString());
        }
        return path;
    }

    /**
     * A readable name for a path inside a cache snapshot ({@code …/models--org--name/snapshots/<revision>} or a file
     * directly in it): "org/name@<first 12 of the revision>" (plus "/file"), as the Open-from-cache dialog lists it;
     * empty for any other path. The workbench named such a checkpoint by its revision hash alone.
     */
    public static Optional<String> snapshotName(Path path) {
        Path snapshot = path;
        String file = "";
        if (!isSnapshot(snapshot) && path.getParent() != null && isSnapshot(path.getParent())) {
            snapshot = path.getParent();
            file = "/" + path.getFileName();
        }
        if (!isSnapshot(snapshot)) {
            return Optional.empty();
        }
        String revision = snapshot.getFileName().toString();
        String repo = repoId(snapshot.getParent().getParent());
        return repo == null ? Optional.empty()
                : Optional.of(repo + "@" + revision.substring(0, Math.min(12, revision.length())) + file);
    }

    /** Whether {@code p} is {@code …/models--…/snapshots/<revision>}. */
    private static boolean isSnapshot(Path p) {
        Path snapshots = p.getParent();
        Path repo = snapshots == null ? null : snapshots.getParent();
        return p.getFileName() != null && repo != null && repo.getFileName() != null
                && "snapshots".equals(snapshots.getFileName().toString())
                && repo.getFileName().toString().startsWith("models--");
    }

    /** True when {@code argument} is an {@code hf:} reference rather than a path. */
    public static boolean isReference(String argument) {
        return argument.startsWith(SCHEME);
    }

    /**
     * Every cached model snapshot, sorted by repository then newest first.
     *
     * @throws UncheckedIOException when the cache folder exists but cannot be listed
     */
    public List<CachedModel> models() {
        List<CachedModel> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> repos = Files.newDirectoryStream(root, "models--*")) {
            for (Path repo : repos) {
                String repoId = repoId(repo);
                Path snapshots = repo.resolve("snapshots");
                if (repoId == null || !Files.isDirectory(snapshots)) {
                    continue;
                }
                Map<String, List<String>> refs = refs(repo);
                List<Path> revisions = new ArrayList<>();
                try (DirectoryStream<Path> snaps = Files.newDirectoryStream(snapshots, Files::isDirectory)) {
                    snaps.forEach(revisions::add);
                }
                revisions.sort(Comparator.comparing(HuggingFaceCache::modified).reversed());
                for (Path snap : revisions) {
                    String revision = snap.getFileName().toString();
                    out.add(new CachedModel(repoId, revision, refs.getOrDefault(revision, List.of()), snap,
                            size(snap), format(snap)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        out.sort(Comparator.comparing(CachedModel::repoId, String.CASE_INSENSITIVE_ORDER));
        return out;
    }

    /**
     * The snapshot folder {@code reference} ({@code hf:org/name[@revision]}) names.
     *
     * @throws RankscopeException with one sentence naming the reference when it is malformed, the
     *                            model is not cached, or the revision is not (no network is used)
     */
    public Path resolve(String reference) {
        if (!isReference(reference)) {
            throw new IllegalArgumentException("not an hf: reference: " + reference);
        }
        String body = reference.substring(SCHEME.length());
        int at = body.indexOf('@');
        String repoId = at < 0 ? body : body.substring(0, at);
        String revision = at < 0 ? DEFAULT_REVISION : body.substring(at + 1);
        String[] parts = repoId.split("/", -1);
        if (parts.length > 2 || repoId.isEmpty() || revision.isEmpty()
                || java.util.Arrays.stream(parts).anyMatch(p -> p.isEmpty() || p.equals("..") || p.equals("."))) {
            throw new RankscopeException(reference + ": not a Hugging Face reference (expected hf:org/name or hf:org/name@revision)");
        }
        Path repo = root.resolve("models--" + String.join("--", parts));
        Path snapshots = repo.resolve("snapshots");
        if (!Files.isDirectory(snapshots)) {
            throw new RankscopeException(reference + ": " + repoId + " is not in the Hugging Face cache " + root
                    + " (Rankscope does not download; fetch it first, e.g. huggingface-cli download " + repoId + ")");
        }
        Path ref = repo.resolve("refs").resolve(revision);
        String commit = revision;
        try {
            if (Files.isRegularFile(ref)) {
                commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
            }
            Path exact = snapshots.resolve(commit);
            if (!commit.contains("/") && Files.isDirectory(exact)) {
                return exact;
            }
            List<Path> prefixed = new ArrayList<>();
            try (DirectoryStream<Path> snaps = Files.newDirectoryStream(snapshots, Files::isDirectory)) {
                for (Path snap : snaps) {
                    if (revision.length() >= 4 && snap.getFileName().toString().startsWith(revision.toLowerCase(Locale.ROOT))) {
                        prefixed.add(snap);
                    }
                }
            }
            if (prefixed.size() == 1) {
                return prefixed.get(0);
            }
        } catch (IOException e) {
            throw new RankscopeException(reference + ": the Hugging Face cache " + repo + " cannot be read ("
                    + e.getClass().getSimpleName() + ")", e.getMessage(), e);
        }
        List<String> cached = models().stream().filter(m -> m.repoId().equals(repoId))
                .map(m -> m.refs().isEmpty() ? m.revision() : String.join("/", m.refs()) + " = " + m.revision())
                .toList();
        throw new RankscopeException(reference + ": revision " + revision + " of " + repoId
                + " is not in the Hugging Face cache (cached: " + String.join(", ", cached) + ")");
    }

    private static String repoId(Path repo) {
        String name = repo.getFileName().toString().substring("models--".length());
        String[] parts = name.split("--", 2);
        return name.isEmpty() ? null : parts.length == 2 ? parts[0] + "/" + parts[1] : parts[0];
    }

    private static Map<String, List<String>> refs(Path repo) throws IOException {
        Map<String, List<String>> byCommit = new TreeMap<>();
        Path refs = repo.resolve("refs");
        if (!Files.isDirectory(refs)) {
            return byCommit;
        }
        try (Stream<Path> files = Files.walk(refs)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String commit = Files.readString(f, StandardCharsets.UTF_8).strip();
                byCommit.computeIfAbsent(commit, k -> new ArrayList<>()).add(refs.relativize(f).toString());
            }
        }
        return byCommit;
    }

    private static long size(Path snapshot) throws IOException {
        try (Stream<Path> files = Files.walk(snapshot, FileVisitOption.FOLLOW_LINKS)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;   // a dangling symlink (blob not downloaded) counts as nothing
                }
            }).sum();
        }
    }

    /** What kind of weights a snapshot holds, by file names (most specific first). */
    static String format(Path snapshot) throws IOException {
        List<String> names;
        try (Stream<Path> files = Files.walk(snapshot, 3, FileVisitOption.FOLLOW_LINKS)) {
            names = files.map(p -> p.getFileName().toString().toLowerCase(Locale.ROOT)).toList();
        }
        if (names.contains("adapter_config.json")) {
            return "peft-adapter";
        }
        if (names.stream().anyMatch(n -> n.endsWith(".safetensors") || n.endsWith(".safetensors.index.json"))) {
            return "safetensors";
        }
        if (names.stream().anyMatch(n -> n.endsWith(".gguf"))) {
            return "gguf";
        }
        if (names.stream().anyMatch(n -> n.endsWith(".bin") || n.endsWith(".pt") || n.endsWith(".pth"))) {
            return "pytorch";
        }
        if (names.stream().anyMatch(n -> n.endsWith(".onnx"))) {
            return "onnx";
        }
        if (names.stream().anyMatch(n -> n.endsWith(".npy") || n.endsWith(".npz"))) {
            return "numpy";
        }
        return "no weights";
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
