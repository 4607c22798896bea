package dev.rankscope.analysis.allocation;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one allocation strategy is, for everything that is not its arithmetic (SPEC §4): its
 * stable name, a one-line summary, its parameters record type and the form description of each
 * component ({@link StrategyParameter}: label, default, range, choices). The Budget tab renders
 * the form from it, {@code plan --param name=value} parses through it, and the plan JSON's
 * {@code "strategy": {"parameters"}} lists exactly its parameters.
 *
 * <p>A strategy declares one as a constant next to its record and returns it from
 * {@link StrategyParameters#description()}; {@link StrategyRegistry} lists them. The constructor
 * checks that the parameters name the record's components in order with matching types, so a
 * form can never drift from the record. Immutable; any thread.
 *
 * @param name       stable strategy name used in plan JSON and on the command line
 * @param summary    one line for menus and help
 * @param type       the parameters record
 * @param parameters one per record component, in declaration order
 */
public record StrategyDescription(String name, String summary, Class<? extends StrategyParameters> type,
                                  List<StrategyParameter> parameters) {

    public StrategyDescription {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(type, "type");
        parameters = List.copyOf(parameters);
        RecordComponent[] comps = type.getRecordComponents();
        if (comps == null) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        if (comps.length != parameters.size()) {
            throw new IllegalArgumentException(name + ": " + comps.length + " record components but "
                    + parameters.size() + " described parameters");
        }
        for (int i = 0; i < comps.length; i++) {
            StrategyParameter p = parameters.get(i);
            if (!comps[i].getName().equals(p.name()) || !box(comps[i].getType()).isInstance(p.defaultValue())) {
                throw new IllegalArgumentException(name + ": parameter " + i + " is " + p.name() + " ("
                        + p.defaultValue().getClass().getSimpleName() + ") but the record component is "
                        + comps[i].getName() + " (" + comps[i].getType().getSimpleName() + ")");
            }
        }
    }

    /** Shorthand for the constant a strategy declares. */
    public static StrategyDescription of(String name, String summary, Class<? extends StrategyParameters> type,
                                         StrategyParameter... parameters) {
        return new StrategyDescription(name, summary, type, List.of(parameters));
    }

    /** The parameter with this name in camelCase, snake_case or kebab-case. */
    public Optional<StrategyParameter> parameter(String name) {
        String key = StrategyParameter.key(name.trim());
        return parameters.stream().filter(p -> p.key().equals(key)).findFirst();
    }

    /** Parameter keys for messages: {@code objective, exact_work_limit} or {@code none}. */
    public String keys() {
        return parameters.isEmpty() ? "none" : String.join(", ", parameters.stream().map(StrategyParameter::key).toList());
    }

    /** The parameters at their defaults. */
    public StrategyParameters defaults() {
        return create(parameters.stream().map(StrategyParameter::defaultValue).toArray());
    }

    /** The current values of {@code p}'s parameters, in order. */
    public List<Object> values(StrategyParameters p) {
        if (!type.isInstance(p)) {
            throw new IllegalArgumentException(p + " is not a " + name + " parameter set");
        }
        List<Object> out = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            try {
                java.lang.reflect.Method accessor = c.getAccessor();
                accessor.setAccessible(true);   // records need not be public (a test's own strategy)
                out.add(accessor.invoke(p));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + name, e);
            }
        }
        return out;
    }

    /**
     * A copy of {@code p} with named values replaced (names as in {@link #parameter}; values boxed
     * or as text, which is parsed), built through the record's canonical constructor so the record
     * validates the result (its message, e.g. "LRC drop share must be in [0, 1), got 1.5").
     *
     * @throws IllegalArgumentException for an unknown name (listing the valid ones) or a bad value
     */
    public StrategyParameters with(StrategyParameters p, Map<String, ?> changes) {
        Object[] args = values(p).toArray();
        for (Map.Entry<String, ?> e : changes.entrySet()) {
            StrategyParameter sp = parameter(e.getKey()).orElseThrow(() -> new IllegalArgumentException(
                    name + " has no parameter '" + e.getKey() + "' (valid: " + keys() + ")"));
            Object v = e.getValue() instanceof String s ? sp.parse(s) : e.getValue();
            sp.check(v);
            args[parameters.indexOf(sp)] = v;
        }
        return create(args);
    }

    private StrategyParameters create(Object[] args) {
        RecordComponent[] comps = type.getRecordComponents();
        Class<?>[] types = new Class<?>[comps.length];
        for (int i = 0; i < comps.length; i++) {
            types[i] = comps[i].getType();
        }
        try {
            Constructor<? extends StrategyParameters> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalStateException("cannot build " + name + " parameters", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + name + " parameters", e);
        }
    }

    private static Class<?> box(Class<?> c) {
        if (!c.isPrimitive()) {
            return c;
        }
        return c == double.class ? Double.class : c == long.class ? Long.class : c == int.class ? Integer.class
                : c == boolean.class ? Boolean.class : c;
    }
}
