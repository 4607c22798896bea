package dev.rankscope.app.cli;

import dev.rankscope.engine.RankscopeVersion;
import picocli.CommandLine;

/** {@code rankscope --version}: the project version this build was made from ({@link RankscopeVersion}). */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"rankscope " + RankscopeVersion.get()};
    }
}
