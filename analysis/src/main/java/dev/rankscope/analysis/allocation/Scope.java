package dev.rankscope.analysis.allocation;

import dev.rankscope.analysis.naming.ModuleType;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which matrices a rank budget applies to (SPEC §4, "the scope the user chose"). A matrix is
 * eligible when its module type is in {@code moduleTypes}, its layer lies in one of
 * {@code layers} (an empty list means every layer; matrices outside the blocks, layer -1, are
 * decided by module type alone) and {@code nameRegex} (empty = any) is found in its module name.
 *
 * @param moduleTypes eligible module types; default attention + MLP projections
 * @param layers      inclusive layer ranges; empty for all layers
 * @param nameRegex   Java regex searched ({@code find}) in the module name, or "" for any
 */
public record Scope(Set<ModuleType> moduleTypes, List<LayerRange> layers, String nameRegex) {

    /** Inclusive range of block indices. */
    public record LayerRange(int first, int last) {
        public LayerRange {
            if (first < 0 || last < first) {
                throw new IllegalArgumentException("bad layer range " + first + ".." + last);
            }
        }

        public boolean contains(int layer) {
            return layer >= first && layer <= last;
        }
    }

    public Scope {
        Objects.requireNonNull(moduleTypes, "moduleTypes");
        // enum order, so a scope written to JSON reads the same on every run (Set.copyOf's order varies)
        moduleTypes = moduleTypes.isEmpty() ? Set.of()
                : java.util.Collections.unmodifiableSet(EnumSet.copyOf(moduleTypes));
        layers = List.copyOf(layers);
        nameRegex = nameRegex == null ? "" : nameRegex;
        try {
            Pattern.compile(nameRegex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid name pattern '" + nameRegex + "': " + e.getDescription(), e);
        }
    }

    /** Attention (q, k, v, o, fused qkv) and MLP (gate, up, down, fused gate_up) projections, all layers. */
    public static Scope defaults() {
        Set<ModuleType> types = EnumSet.noneOf(ModuleType.class);
        for (ModuleType t : ModuleType.values()) {
            if (t.isAttention() || t.isMlp()) {
                types.add(t);
            }
        }
        return new Scope(types, List.of(), "");
    }

    /** Every matrix, whatever its type or layer. */
    public static Scope everything() {
        return new Scope(EnumSet.allOf(ModuleType.class), List.of(), "");
    }

    /** The same scope with module types added (e.g. {@code EMBED}, {@code LM_HEAD}). */
    public Scope including(ModuleType... types) {
        Set<ModuleType> s = EnumSet.noneOf(ModuleType.class);
        s.addAll(moduleTypes);
        s.addAll(List.of(types));
        return new Scope(s, layers, nameRegex);
    }

    public Scope withLayers(List<LayerRange> ranges) {
        return new Scope(moduleTypes, ranges, nameRegex);
    }

    public Scope withNameRegex(String regex) {
        return new Scope(moduleTypes, layers, regex);
    }

    /** A predicate testing eligibility (the regex is compiled once). */
    public Predicate<AllocationInput> matcher() {
        Pattern p = nameRegex.isEmpty() ? null : Pattern.compile(nameRegex);
        return in -> moduleTypes.contains(in.module())
                && (layers.isEmpty() || in.layer() < 0 || layers.stream().anyMatch(r -> r.contains(in.layer())))
                && (p == null || p.matcher(in.moduleName()).find());
    }
}
