package dev.rankscope.engine;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The version a Maven build reports is the project version of the pom it was built from, not "dev". */
class RankscopeVersionTest {
    @Test
    void isTheProjectVersionOfThePom() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher parent = Pattern.compile("<parent>.*?<version>([^<]+)</version>.*?</parent>", Pattern.DOTALL).matcher(pom);
        assertTrue(parent.find(), "engine/pom.xml names its parent's version");
        assertEquals(parent.group(1).strip(), RankscopeVersion.get());
        assertTrue(RankscopeVersion.get().matches("\\d+\\.\\d+\\.\\d+.*"), RankscopeVersion.get());
    }
}
