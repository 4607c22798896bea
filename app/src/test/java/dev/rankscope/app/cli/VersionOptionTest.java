package dev.rankscope.app.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rankscope --version} prints the version of the pom the app was built from (it printed "dev"). */
class VersionOptionTest {
    @Test
    void printsTheProjectVersion() throws IOException {
        Matcher parent = Pattern.compile("<parent>.*?<version>([^<]+)</version>.*?</parent>", Pattern.DOTALL)
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(parent.find(), "app/pom.xml names its parent's version");
        StringWriter out = new StringWriter();
        int code = RankscopeCli.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true))
                .execute("--version");
        assertEquals(0, code);
        assertEquals("rankscope " + parent.group(1).strip(), out.toString().strip());
    }
}
