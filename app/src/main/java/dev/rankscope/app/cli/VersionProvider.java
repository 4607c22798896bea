package dev.rankscope.app.cli;

import picocli.CommandLine;

/** {@code rankscope --version}: tool version and the spectrum engine that runs. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"rankscope " + (v == null ? "dev" : v)};
    }
}
