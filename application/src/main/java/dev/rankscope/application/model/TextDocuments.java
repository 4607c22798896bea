package dev.rankscope.application.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A calibration or evaluation text (SPEC §8): strict UTF-8, documents separated by a blank line
 * (one tokenizer call per document for causal LMs), sentences = non-empty lines (encoders), and
 * the SHA-256 of the file's bytes that statistics and caches are keyed by. Immutable.
 *
 * @param file      where it was read from
 * @param text      the decoded text
 * @param sha256    hex SHA-256 of the file's bytes
 */
public record TextDocuments(Path file, String text, String sha256) {

    /**
     * Reads and checks a text file.
     *
     * @throws ModelInputException missing, unreadable, not UTF-8 (with the byte offset), or empty
     */
    public static TextDocuments read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelInputException(file + ": no such text file");
        } catch (IOException e) {
            throw new ModelInputException(file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        String text;
        try {
            text = dec.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (MalformedInputException e) {
            throw new ModelInputException(file + ": is not UTF-8 text (invalid byte near offset "
                    + firstInvalid(bytes) + ")");
        } catch (CharacterCodingException e) {
            throw new ModelInputException(file + ": is not UTF-8 text");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (text.isBlank()) {
            throw new ModelInputException(file + ": the text is empty");
        }
        return new TextDocuments(file, text, sha256(bytes));
    }

    /** Documents: runs of lines separated by one or more blank lines, trimmed of surrounding blank lines. */
    public List<String> documents() {
        List<String> docs = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : text.split("\r?\n", -1)) {
            if (line.isBlank()) {
                if (!cur.isEmpty()) {
                    docs.add(cur.toString());
                    cur.setLength(0);
                }
                continue;
            }
            if (!cur.isEmpty()) {
                cur.append('\n');
            }
            cur.append(line);
        }
        if (!cur.isEmpty()) {
            docs.add(cur.toString());
        }
        return docs;
    }

    /** Sentences for encoders: every non-empty line, stripped, in order. */
    public List<String> sentences() {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }

    private static long firstInvalid(byte[] b) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(b.length + 1);
        dec.decode(in, out, true);
        return in.position();
    }

    /** Hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
