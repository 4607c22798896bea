package dev.rankscope.views.budget;

import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.StrategyComparison;
import dev.rankscope.analysis.allocation.StrategyParameters;
import dev.rankscope.analysis.allocation.StrategyRegistry;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.tensor.DType;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Budget tab's controls (SPEC §4): strategy and its parameters, budget, scope, constraints
 * and the strategies compared, as properties the form binds, and their snapshot as the records a
 * plan is made from ({@link #budget()}, {@link #scope()}, {@link #constraints()}, {@link #compared()}).
 * Choosing a strategy name resets its parameters to that strategy's defaults, except while a
 * saved plan's settings are {@link #apply applied}. FX thread only.
 */
public final class BudgetSettings {
    private final StrategyRegistry registry;
    private final StringProperty strategyName = new SimpleStringProperty();
    private final ObjectProperty<StrategyParameters> strategy = new SimpleObjectProperty<>();
    private final ObjectProperty<Budget.Kind> budgetKind = new SimpleObjectProperty<>(Budget.Kind.KEPT_FRACTION);
    private final DoubleProperty keptFraction = new SimpleDoubleProperty(0.5);
    private final LongProperty paramsAmount = new SimpleLongProperty();
    private final LongProperty bytesAmount = new SimpleLongProperty();
    private final ObjectProperty<DType> byteDType = new SimpleObjectProperty<>(Budget.DEFAULT_DTYPE);
    private final Map<ModuleType, BooleanProperty> moduleTypes = new EnumMap<>(ModuleType.class);
    private final IntegerProperty firstLayer = new SimpleIntegerProperty(-1);
    private final IntegerProperty lastLayer = new SimpleIntegerProperty(-1);
    private final StringProperty nameRegex = new SimpleStringProperty("");
    private final IntegerProperty minRank = new SimpleIntegerProperty(1);
    private final IntegerProperty maxRank = new SimpleIntegerProperty(0);
    private final IntegerProperty rankMultiple = new SimpleIntegerProperty(1);
    private final BooleanProperty allowDense = new SimpleBooleanProperty(true);
    private final BooleanProperty fusedParts = new SimpleBooleanProperty(false);
    private final ObservableList<String> compareStrategies = FXCollections.observableArrayList();

    private boolean applying;

    /** The standard strategies, the first selected. */
    public BudgetSettings() {
        this(StrategyRegistry.standard());
    }

    /** @param strategies the strategies the picker offers (the first is selected) and their forms */
    public BudgetSettings(StrategyRegistry strategies) {
        this.registry = Objects.requireNonNull(strategies);
        strategyName.set(registry.names().get(0));
        strategy.set(registry.defaults(registry.names().get(0)));
        Scope defaults = Scope.defaults();
        for (ModuleType t : ModuleType.values()) {
            moduleTypes.put(t, new SimpleBooleanProperty(defaults.moduleTypes().contains(t)));
        }
        strategyName.addListener((o, a, b) -> {
            if (!applying) {
                strategy.set(registry.defaults(b));
            }
        });
    }

    /** Calls {@code changed} after any control changes (each property separately). */
    public void addListener(Runnable changed) {
        for (ObservableValue<?> v : List.<ObservableValue<?>>of(strategy, budgetKind, keptFraction, paramsAmount,
                bytesAmount, byteDType, firstLayer, lastLayer, nameRegex, minRank, maxRank, rankMultiple, allowDense,
                fusedParts)) {
            v.addListener((o, a, b) -> changed.run());
        }
        moduleTypes.values().forEach(p -> p.addListener((o, a, b) -> changed.run()));
        compareStrategies.addListener((ListChangeListener<String>) c -> changed.run());
    }

    /** Sets every control to the settings {@code p} was made with (strategy parameters kept as saved). */
    public void apply(Plan p) {
        applying = true;
        try {
            strategyName.set(p.strategyName());
            strategy.set(p.strategy());
            Budget b = p.budget();
            budgetKind.set(b.kind());
            byteDType.set(b.dtype());
            switch (b.kind()) {
                case KEPT_FRACTION -> keptFraction.set(b.keptFraction());
                case PARAMS -> paramsAmount.set(b.amount());
                case BYTES -> bytesAmount.set(b.amount());
            }
            moduleTypes.forEach((t, prop) -> prop.set(p.scope().moduleTypes().contains(t)));
            if (p.scope().layers().isEmpty()) {
                firstLayer.set(-1);
                lastLayer.set(-1);
            } else {
                firstLayer.set(p.scope().layers().get(0).first());
                int last = p.scope().layers().get(0).last();
                lastLayer.set(last == Integer.MAX_VALUE ? -1 : last);
            }
            nameRegex.set(p.scope().nameRegex());
            Constraints c = p.constraints();
            minRank.set(c.minRank());
            maxRank.set(c.maxRank() == Integer.MAX_VALUE ? 0 : c.maxRank());
            rankMultiple.set(c.rankMultiple());
            allowDense.set(c.allowDense());
            fusedParts.set(p.matrices().stream().anyMatch(dev.rankscope.analysis.plan.FusedPartFactors::isPart));
        } finally {
            applying = false;
        }
    }

    /** The strategies picked for comparison, the current one with its edited parameters. */
    public List<StrategyParameters> compared() {
        List<StrategyParameters> compare = new ArrayList<>();
        for (String name : compareStrategies) {
            compare.add(name.equals(strategy.get().strategyName()) ? strategy.get() : registry.defaults(name));
        }
        return compare;
    }

    /** The budget the controls describe. @throws IllegalArgumentException when invalid */
    public Budget budget() {
        return switch (budgetKind.get()) {
            case KEPT_FRACTION -> Budget.keptFraction(keptFraction.get()).withDType(byteDType.get());
            case PARAMS -> Budget.params(paramsAmount.get()).withDType(byteDType.get());
            case BYTES -> Budget.bytes(bytesAmount.get(), byteDType.get());
        };
    }

    /** The scope the controls describe. @throws IllegalArgumentException when invalid */
    public Scope scope() {
        List<ModuleType> types = new ArrayList<>();
        moduleTypes.forEach((t, p) -> {
            if (p.get()) {
                types.add(t);
            }
        });
        List<Scope.LayerRange> layers = List.of();
        if (firstLayer.get() >= 0 || lastLayer.get() >= 0) {
            int first = Math.max(0, firstLayer.get());
            int last = lastLayer.get() < 0 ? Integer.MAX_VALUE : lastLayer.get();
            layers = List.of(new Scope.LayerRange(first, last));
        }
        return new Scope(types.isEmpty() ? java.util.Set.of() : java.util.EnumSet.copyOf(types), layers,
                nameRegex.get());
    }

    /** The constraints the controls describe (max rank 0 = none). @throws IllegalArgumentException when invalid */
    public Constraints constraints() {
        int max = maxRank.get() <= 0 ? Integer.MAX_VALUE : maxRank.get();
        return new Constraints(minRank.get(), max, rankMultiple.get(), allowDense.get(), java.util.Set.of());
    }

    /** Strategy names for the picker, in menu order. */
    public List<String> strategyNames() {
        return registry.names();
    }

    /** The strategies on offer with their parameter forms. */
    public StrategyRegistry strategies() {
        return registry;
    }

    /** Chosen strategy name; changing it resets {@link #strategyProperty()} to that strategy's defaults. */
    public StringProperty strategyNameProperty() {
        return strategyName;
    }

    /** The strategy's parameters (the form edits this through {@link #setStrategyField}). */
    public ObjectProperty<StrategyParameters> strategyProperty() {
        return strategy;
    }

    public ObjectProperty<Budget.Kind> budgetKindProperty() {
        return budgetKind;
    }

    /** Kept share of the eligible parameters, (0, 1] (the slider). */
    public DoubleProperty keptFractionProperty() {
        return keptFraction;
    }

    /** Absolute parameter budget (for {@link Budget.Kind#PARAMS}). */
    public LongProperty paramsAmountProperty() {
        return paramsAmount;
    }

    /** Byte budget at {@link #byteDTypeProperty()} (for {@link Budget.Kind#BYTES}). */
    public LongProperty bytesAmountProperty() {
        return bytesAmount;
    }

    /** F16, BF16 or F32: bytes per parameter for the byte budget and the size-on-disk figures. */
    public ObjectProperty<DType> byteDTypeProperty() {
        return byteDType;
    }

    /** Whether module type {@code t} is in scope. */
    public BooleanProperty moduleTypeProperty(ModuleType t) {
        return moduleTypes.get(t);
    }

    /** First eligible layer, or -1 for "from the first". */
    public IntegerProperty firstLayerProperty() {
        return firstLayer;
    }

    /** Last eligible layer, or -1 for "to the last". */
    public IntegerProperty lastLayerProperty() {
        return lastLayer;
    }

    /** Regex searched in module names (empty = any). */
    public StringProperty nameRegexProperty() {
        return nameRegex;
    }

    public IntegerProperty minRankProperty() {
        return minRank;
    }

    /** Largest factorised rank, 0 for no limit. */
    public IntegerProperty maxRankProperty() {
        return maxRank;
    }

    public IntegerProperty rankMultipleProperty() {
        return rankMultiple;
    }

    public BooleanProperty allowDenseProperty() {
        return allowDense;
    }

    /**
     * Plan the q/k/v parts of fused projections (GPT-2 {@code c_attn}, {@code qkv_proj}) each on its
     * own in place of the fused matrix, as {@code plan --fused-parts} does (SPEC §5/§7); ignored for
     * a checkpoint without fused projections.
     */
    public BooleanProperty fusedPartsProperty() {
        return fusedParts;
    }

    /** Strategies compared at the current budget (at most {@link StrategyComparison#MAX_STRATEGIES}). */
    public ObservableList<String> compareStrategies() {
        return compareStrategies;
    }
}
