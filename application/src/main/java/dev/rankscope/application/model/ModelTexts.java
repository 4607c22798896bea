package dev.rankscope.application.model;

import dev.rankscope.analysis.plan.PlanSources;
import dev.rankscope.engine.cache.FileIdentity;
import dev.rankscope.runtime.ModelFolder;
import dev.rankscope.runtime.TextTokenizer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What calibrate and evaluate share about a model and a text (SPEC §8): the token ids of a text
 * (one tokenizer call per document, special tokens as the tokenizer's post-processor adds them,
 * concatenated), and the model's identity for statistics metadata and caches.
 */
public final class ModelTexts {
    private ModelTexts() {
    }

    /** The whole text's token ids: one tokenizer call per document, concatenated. */
    public static int[] tokens(TextTokenizer tokenizer, TextDocuments text) {
        List<int[]> parts = new ArrayList<>();
        int total = 0;
        for (String doc : text.documents()) {
            int[] ids = tokenizer.encode(doc, true);
            parts.add(ids);
            total = Math.addExact(total, ids.length);
        }
        int[] out = new int[total];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /**
     * The model's identity: the weights' header SHA-256 (as plans record it) and the weight files'
     * path, size and modification time (as the spectrum cache keys them).
     */
    public static String identity(ModelFolder folder) {
        String files;
        try {
            files = FileIdentity.of(folder.weights().files()).fingerprint();
        } catch (IOException e) {
            files = folder.path().toString();
        }
        return "header-sha256=" + PlanSources.headerSha256(folder.weights()) + "\n" + files;
    }
}
