package dev.rankscope.application.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Texts (strict UTF-8, documents, sentences) and the SPEC §8 windows. */
class TextAndWindowsTest {

    @Test
    void documentsAreSeparatedByBlankLinesAndSentencesAreLines(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "\uFEFFone\ntwo\n\n\n  \nthree\r\nfour\n", StandardCharsets.UTF_8);
        TextDocuments t = TextDocuments.read(f);
        assertEquals(List.of("one\ntwo", "three\nfour"), t.documents());
        assertEquals(List.of("one", "two", "three", "four"), t.sentences());
        assertEquals(64, t.sha256().length());
    }

    @Test
    void badTextsAreOneLineNamingTheFile(@TempDir Path dir) throws Exception {
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'a', 'b', (byte) 0xE9, 'c'});
        ModelInputException e = assertThrows(ModelInputException.class, () -> TextDocuments.read(latin1));
        assertEquals(latin1 + ": is not UTF-8 text (invalid byte near offset 2)", e.userMessage());
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, " \n\n");
        assertEquals(empty + ": the text is empty",
                assertThrows(ModelInputException.class, () -> TextDocuments.read(empty)).userMessage());
        Path missing = dir.resolve("nope.txt");
        assertTrue(assertThrows(ModelInputException.class, () -> TextDocuments.read(missing)).userMessage()
                .contains("no such text file"));
    }

    @Test
    void windowsAreNonOverlappingAndTheLastKeepsAtLeastTwoTokens() {
        int[] ids = new int[11];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        List<int[]> w = TokenWindows.split(ids, 4, 0, "t");
        assertEquals(3, w.size());
        assertArrayEquals(new int[] {8, 9, 10}, w.get(2));
        assertEquals(3 + 3 + 2, TokenWindows.predicted(w));
        List<int[]> dropped = TokenWindows.split(ids, 5, 0, "t");
        assertEquals(2, dropped.size(), "a 1-token tail predicts nothing and is dropped");
        assertEquals(2, TokenWindows.split(ids, 4, 8, "t").size(), "--max-tokens caps the tokens");
        ModelInputException e = assertThrows(ModelInputException.class, () -> TokenWindows.split(ids, 16, 0, "t.txt"));
        assertEquals("t.txt: the text has 11 tokens, fewer than one window of 16; use a longer text or a smaller --seq-len",
                e.userMessage());
    }
}
