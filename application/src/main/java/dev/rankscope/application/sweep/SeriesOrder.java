package dev.rankscope.application.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Orders the checkpoints of a series (SPEC §10): by the training step parsed from each name
 * ({@code step(\d+)}, {@code checkpoint-(\d+)}, {@code global_step(\d+)}, {@code epoch[_-]?(\d+)},
 * else the last number), ties and names without a step by name; or exactly as a list file gives them.
 * Pure functions of the names (no file is opened); thread-safe.
 *
 * <p>The name of a checkpoint is its file or folder name; a file whose name holds no number
 * ({@code runs/checkpoint-500/model.safetensors}) is named by its folder ({@code checkpoint-500}).
 * Names are taken from the last path segment after {@code /}, so Hadoop URIs order the same way.
 */
public final class SeriesOrder {

    /** The SPEC §10 patterns, tried in this order; the first that matches gives the step. */
    private static final List<Pattern> STEP_PATTERNS = List.of(
            Pattern.compile("global_step(\\d+)"),
            Pattern.compile("step(\\d+)"),
            Pattern.compile("checkpoint-(\\d+)"),
            Pattern.compile("epoch[_-]?(\\d+)"));
    private static final Pattern LAST_NUMBER = Pattern.compile("(\\d+)(?!.*\\d)");
    private static final Pattern ANY_DIGIT = Pattern.compile("\\d");

    private SeriesOrder() {
    }

    /**
     * The ordered series and what the user should know about the order.
     *
     * @param members checkpoints in series order (indices 0..n-1)
     * @param notes   one sentence per remark (names without a step, duplicates, list-file order)
     */
    public record Ordered(List<SeriesMember> members, List<String> notes) {
        public Ordered {
            members = List.copyOf(members);
            notes = List.copyOf(notes);
        }
    }

    /**
     * The step in {@code name} per SPEC §10, or null when it holds no number. Numbers beyond
     * {@code Long.MAX_VALUE} count as no step.
     */
    public static Long parseStep(String name) {
        for (Pattern p : STEP_PATTERNS) {
            Matcher m = p.matcher(name);
            if (m.find()) {
                return toLong(m.group(1));
            }
        }
        Matcher m = LAST_NUMBER.matcher(name);
        return m.find() ? toLong(m.group(1)) : null;
    }

    /** The name of checkpoint {@code path} as the class comment defines it. */
    public static String nameOf(String path) {
        String trimmed = path.replaceAll("[/\\\\]+$", "");
        String[] parts = trimmed.split("[/\\\\]");
        String last = parts[parts.length - 1];
        if (!ANY_DIGIT.matcher(last).find() && parts.length >= 2 && ANY_DIGIT.matcher(parts[parts.length - 2]).find()) {
            return parts[parts.length - 2];
        }
        return last;
    }

    /**
     * Orders {@code paths} by parsed step, then by name; names without a step come after those
     * with one, by name, and are named in a note (all of them without a step: plain name order).
     *
     * @throws IllegalArgumentException when {@code paths} is empty
     */
    public static Ordered byStep(List<String> paths) {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one checkpoint");
        }
        record Entry(String path, String name, Long step) { }
        List<Entry> entries = new ArrayList<>();
        for (String p : paths) {
            String name = nameOf(p);
            entries.add(new Entry(p, name, parseStep(name)));
        }
        entries.sort(Comparator.comparing((Entry e) -> e.step() == null)
                .thenComparing(e -> e.step() == null ? 0L : e.step())
                .thenComparing(Entry::name)
                .thenComparing(Entry::path));
        List<String> notes = new ArrayList<>();
        List<String> noStep = entries.stream().filter(e -> e.step() == null).map(Entry::name).toList();
        if (noStep.size() == entries.size()) {
            notes.add("no step number in any checkpoint name; series ordered by name");
        } else if (!noStep.isEmpty()) {
            notes.add(noStep.size() + " checkpoint name(s) without a step number, placed last by name: "
                    + abbreviate(noStep));
        }
        List<SeriesMember> members = new ArrayList<>();
        Long previous = null;
        List<String> ties = new ArrayList<>();
        for (Entry e : entries) {
            if (e.step() != null && e.step().equals(previous)) {
                ties.add(e.name());
            }
            previous = e.step();
            members.add(new SeriesMember(members.size(), e.path(), e.name(), e.step()));
        }
        if (!ties.isEmpty()) {
            notes.add("several checkpoints share a step, ordered by name: " + abbreviate(ties));
        }
        return new Ordered(members, notes);
    }

    /**
     * The series exactly in the order of {@code listFile}: one checkpoint per line, relative
     * paths resolved against the list file's folder (URIs with a scheme kept as they are), blank
     * lines and lines starting with {@code #} ignored. Steps are parsed from the names for the
     * table, but never reorder.
     *
     * @throws IllegalArgumentException naming the list file when it is missing, unreadable or empty
     */
    public static Ordered fromListFile(Path listFile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(listFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(listFile + ": list file not found");
        } catch (IOException e) {
            throw new IllegalArgumentException(listFile + ": list file cannot be read (" + e.getMessage() + ")");
        }
        return fromLines(lines, listFile.toAbsolutePath().getParent().toString(), listFile.toString());
    }

    /**
     * {@link #fromListFile} over lines already read (the Spark driver reads list files through
     * Hadoop): relative entries are resolved against {@code base} (a folder path or URI).
     *
     * @param listName the list file as the user named it, for messages
     */
    public static Ordered fromLines(List<String> lines, String base, String listName) {
        List<String> paths = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            paths.add(line.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") || line.startsWith("/") ? line : resolve(base, line));
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException(listName + ": list file names no checkpoint");
        }
        List<SeriesMember> members = new ArrayList<>();
        for (String p : paths) {
            String name = nameOf(p);
            members.add(new SeriesMember(members.size(), p, name, parseStep(name)));
        }
        String file = listName.replaceAll(".*[/\\\\]", "");
        return new Ordered(members, List.of("series in the order of " + file));
    }

    private static String resolve(String base, String relative) {
        if (base.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            return base.endsWith("/") ? base + relative : base + "/" + relative;
        }
        return Path.of(base).resolve(relative).normalize().toString();
    }

    private static Long toLong(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String abbreviate(List<String> names) {
        int shown = Math.min(5, names.size());
        String head = String.join(", ", names.subList(0, shown));
        return names.size() > shown ? head + String.format(Locale.ROOT, " and %d more", names.size() - shown) : head;
    }
}
