package dev.rankscope.views.budget;

import dev.rankscope.analysis.allocation.StrategyParameters;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The editable fields of a strategy's {@link StrategyParameters} record, read from its record
 * components, so the Budget tab's form is generated from the same record the CLI and the plan
 * provenance use (STYLE: "the same record drives the form"). Pure; any thread.
 */
public final class StrategyFields {
    private StrategyFields() {
    }

    /**
     * One record component.
     *
     * @param name  component name ({@code lrcDropShare})
     * @param label words for the form ({@code lrc drop share})
     * @param type  component type: double, long, int, boolean or an enum
     * @param value current value (boxed)
     */
    public record Field(String name, String label, Class<?> type, Object value) {
        /** The enum constants when {@link #type} is an enum, else empty. */
        public List<Object> choices() {
            return type.isEnum() ? List.of(type.getEnumConstants()) : List.of();
        }
    }

    /** The fields of {@code parameters}, in declaration order (empty for parameterless strategies). */
    public static List<Field> of(StrategyParameters parameters) {
        List<Field> out = new ArrayList<>();
        for (RecordComponent c : parameters.getClass().getRecordComponents()) {
            try {
                out.add(new Field(c.getName(), label(c.getName()), c.getType(), c.getAccessor().invoke(parameters)));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + parameters, e);
            }
        }
        return out;
    }

    /**
     * A copy of {@code parameters} with one field replaced, built through the canonical
     * constructor so the record validates it.
     *
     * @throws IllegalArgumentException when the record rejects the value (message from the record)
     */
    public static StrategyParameters with(StrategyParameters parameters, String field, Object value) {
        RecordComponent[] comps = parameters.getClass().getRecordComponents();
        Object[] args = new Object[comps.length];
        Class<?>[] types = new Class<?>[comps.length];
        boolean found = false;
        for (int i = 0; i < comps.length; i++) {
            types[i] = comps[i].getType();
            try {
                args[i] = comps[i].getAccessor().invoke(parameters);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + comps[i].getName(), e);
            }
            if (comps[i].getName().equals(field)) {
                args[i] = coerce(value, types[i], field);
                found = true;
            }
        }
        if (!found) {
            throw new IllegalArgumentException(parameters.strategyName() + " has no parameter '" + field + "'");
        }
        try {
            Constructor<?> ctor = parameters.getClass().getDeclaredConstructor(types);
            return (StrategyParameters) ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalStateException("cannot build " + parameters.strategyName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + parameters.strategyName(), e);
        }
    }

    /** Text or boxed value to the component type; text numbers use the ROOT locale. */
    private static Object coerce(Object value, Class<?> type, String field) {
        if (!(value instanceof String s)) {
            return value;
        }
        try {
            if (type == double.class) {
                return Double.parseDouble(s.trim());
            }
            if (type == long.class) {
                return Long.parseLong(s.trim().replace("_", ""));
            }
            if (type == int.class) {
                return Integer.parseInt(s.trim());
            }
            if (type == boolean.class) {
                return Boolean.parseBoolean(s.trim());
            }
            if (type.isEnum()) {
                for (Object c : type.getEnumConstants()) {
                    if (((Enum<?>) c).name().equalsIgnoreCase(s.trim())) {
                        return c;
                    }
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(label(field) + " must be a number, got '" + s + "'", e);
        }
        throw new IllegalArgumentException(label(field) + ": '" + s + "' is not a valid value");
    }

    /** {@code lrcDropShare} → {@code lrc drop share}. */
    static String label(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }
}
