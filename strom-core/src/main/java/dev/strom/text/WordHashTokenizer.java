package dev.strom.text;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tokenises any UTF-8 prompt into words, each described by hashed features: the word itself and its
 * character trigrams (fastText style), so inflections such as "roter" / "rote" / "roten" share most
 * features and no word is ever out of vocabulary. Every prompt ends with an end token, so even the empty
 * caption has one real token.
 */
public final class WordHashTokenizer {

    public static final int PAD = 0;
    public static final int END = 1;
    private static final int SPECIAL = 2;

    private final int wordBuckets;
    private final int ngramBuckets;
    private final int maxTokens;
    private final int featuresPerToken;

    public WordHashTokenizer(int wordBuckets, int ngramBuckets, int maxTokens, int featuresPerToken) {
        if (maxTokens < 2 || featuresPerToken < 1 || wordBuckets < 1 || ngramBuckets < 1) {
            throw new IllegalArgumentException("tokenizer sizes must be positive (max tokens >= 2)");
        }
        this.wordBuckets = wordBuckets;
        this.ngramBuckets = ngramBuckets;
        this.maxTokens = maxTokens;
        this.featuresPerToken = featuresPerToken;
    }

    public int vocabularySize() {
        return SPECIAL + wordBuckets + ngramBuckets;
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int featuresPerToken() {
        return featuresPerToken;
    }

    /** Lower-cased, Unicode-normalised words (letters and digits), in order. */
    public static List<String> words(String prompt) {
        String norm = Normalizer.normalize(prompt, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        norm.codePoints().forEach(cp -> {
            if (Character.isLetterOrDigit(cp)) {
                w.appendCodePoint(cp);
            } else if (w.length() > 0) {
                out.add(w.toString());
                w.setLength(0);
            }
        });
        if (w.length() > 0) {
            out.add(w.toString());
        }
        return out;
    }

    /** Feature ids [maxTokens][featuresPerToken], 0 = padding. Words past the limit are dropped. */
    public int[][] encode(String prompt) {
        int[][] ids = new int[maxTokens][featuresPerToken];
        List<String> words = words(prompt);
        int n = Math.min(words.size(), maxTokens - 1);
        for (int i = 0; i < n; i++) {
            String word = words.get(i);
            ids[i][0] = SPECIAL + Math.floorMod(fnv("w:" + word), wordBuckets);
            String padded = "<" + word + ">";
            int[] cps = padded.codePoints().toArray();
            for (int j = 0; j + 3 <= cps.length && j + 1 < featuresPerToken; j++) {
                String gram = new String(cps, j, 3);
                ids[i][j + 1] = SPECIAL + wordBuckets + Math.floorMod(fnv("g:" + gram), ngramBuckets);
            }
        }
        ids[n][0] = END;
        return ids;
    }

    private static int fnv(String s) {
        int h = 0x811c9dc5;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return h;
    }
}
