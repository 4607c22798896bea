package dev.rankscope.application.intruders;

import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.application.job.JobParameters;
import dev.rankscope.engine.linalg.Backends;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One intruder comparison (SPEC §3): a base, a tuned side (a checkpoint or a PEFT LoRA adapter
 * folder merged onto the base), which pairs, (k, ε), the engine, and the exports. Validated here;
 * a bad value is an {@link IllegalArgumentException} whose message is the user's sentence.
 *
 * @param base        base checkpoint
 * @param tuned       fine-tuned checkpoint, or adapter folder when {@code adapter}
 * @param adapter     {@code tuned} is a PEFT LoRA adapter folder
 * @param allMatrices with an adapter, also compare matrices it leaves unchanged
 * @param include     regular expression; only pairs whose name contains a match (null: all)
 * @param intruders   k and ε
 * @param engine      SVD engine
 * @param json        rankscope-intruders JSON to write, or null
 * @param csv         CSV to write, or null
 * @param mitigate    merged checkpoint with intruder directions scaled by {@code lambda}, or null
 * @param lambda      scale of the intruder directions for {@code mitigate}, finite and ≥ 0
 */
public record IntrudersParameters(Path base, Path tuned, boolean adapter, boolean allMatrices, String include,
                                  IntruderParameters intruders, Backends.Preference engine, Path json, Path csv,
                                  Path mitigate, double lambda) implements JobParameters {
    public IntrudersParameters {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(tuned, "tuned");
        Objects.requireNonNull(intruders, "intruders");
        engine = engine == null ? Backends.Preference.AUTO : engine;
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("--lambda must be finite and ≥ 0, got " + lambda);
        }
        if (include != null) {
            try {
                Pattern.compile(include);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("--include is not a valid regular expression: " + e.getDescription());
            }
        }
    }

    /** Whether the pair named {@code name} passes {@link #include()}. */
    public boolean includes(String name) {
        return include == null || Pattern.compile(include).matcher(name).find();
    }
}
