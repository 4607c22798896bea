package dev.rankscope.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this Rankscope build ({@code rankscope --version}, the plan's {@code tool.version}, the
 * spectrum cache's key), written into {@code rankscope-version.properties} by Maven's resource filtering.
 * The one place it is read: from a jar, an installed package and the test classpath alike (a jar
 * manifest's Implementation-Version is absent when running from classes, which printed "dev").
 */
public final class RankscopeVersion {
    private static final String RESOURCE = "rankscope-version.properties";
    private static final String VERSION = read();

    private RankscopeVersion() {
    }

    /** The project version this build was made from, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = RankscopeVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").strip();
            if (v.isEmpty() || v.startsWith("${")) {
                throw new IllegalStateException(RESOURCE + " was not filtered by the build: '" + v + "'");
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + " cannot be read", e);
        }
    }
}
