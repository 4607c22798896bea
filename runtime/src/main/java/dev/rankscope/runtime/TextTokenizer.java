package dev.rankscope.runtime;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model's own {@code tokenizer.json} run by the Hugging Face tokenizers library (Rust, through
 * DJL's binding whose native library ships in its jar; no network). Truncation and padding are
 * off, so long texts keep every token (DJL would otherwise cut at 512). With
 * {@code addSpecialTokens} the tokenizer.json's post-processor adds its special tokens
 * ({@code [CLS] … [SEP]} for BERT, {@code <s>} for Llama), exactly as transformers'
 * {@code tokenizer(text)} does.
 *
 * <p>Thread safety: {@link #encode} may be called from several threads; {@link #close()} must not
 * race with it.
 */
public final class TextTokenizer implements AutoCloseable {

    private final Path file;
    private final HuggingFaceTokenizer withSpecial;
    private final HuggingFaceTokenizer plain;

    private TextTokenizer(Path file, HuggingFaceTokenizer withSpecial, HuggingFaceTokenizer plain) {
        this.file = file;
        this.withSpecial = withSpecial;
        this.plain = plain;
    }

    /**
     * Loads {@code file} (a tokenizer.json).
     *
     * @throws ModelRuntimeException naming the file when it is missing or the library rejects it
     */
    public static TextTokenizer open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelRuntimeException("No tokenizer.json at " + file + ".");
        }
        HuggingFaceTokenizer a = null;
        try {
            a = build(file, true);
            return new TextTokenizer(file, a, build(file, false));
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            if (a != null) {
                a.close();
            }
            throw new ModelRuntimeException(file + " cannot be loaded by the tokenizers library ("
                    + oneLine(e) + ").", e);
        }
    }

    private static HuggingFaceTokenizer build(Path file, boolean special) throws IOException {
        return HuggingFaceTokenizer.builder()
                .optTokenizerPath(file)
                .optAddSpecialTokens(special)
                .optTruncation(false)
                .optPadding(false)
                .build();
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** The tokenizer.json this was loaded from. */
    public Path file() {
        return file;
    }

    /**
     * Token ids of {@code text}, all of them (no truncation), with the post-processor's special
     * tokens when {@code addSpecialTokens}.
     */
    public int[] encode(String text, boolean addSpecialTokens) {
        Encoding e = (addSpecialTokens ? withSpecial : plain).encode(text);
        long[] ids = e.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** The text of {@code ids} (special tokens skipped). */
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return plain.decode(l, true);
    }

    @Override
    public void close() {
        withSpecial.close();
        plain.close();
    }
}
