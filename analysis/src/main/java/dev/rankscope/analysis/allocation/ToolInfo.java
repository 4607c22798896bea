package dev.rankscope.analysis.allocation;

import dev.rankscope.engine.RankscopeVersion;

import java.util.Objects;

/**
 * What made a plan (SPEC §5 {@code "tool"}).
 *
 * @param name    {@code rankscope}
 * @param version tool version
 * @param engine  the SVD engine that computed the spectra (e.g. {@code EngineInfo.describe()}), or ""
 */
public record ToolInfo(String name, String version, String engine) {
    public ToolInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(engine, "engine");
    }

    /** Rankscope with the version of this build ({@link RankscopeVersion}). */
    public static ToolInfo rankscope(String engine) {
        return new ToolInfo("rankscope", RankscopeVersion.get(), engine);
    }
}
