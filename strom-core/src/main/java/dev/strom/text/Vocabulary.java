package dev.strom.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The words a model was trained on, with how often each came in its training captions. The text encoder gives any
 * word features (hashed, so nothing is out of its vocabulary), but a word the model never saw decides nothing in
 * the video: a prompt that leans on one is worth a warning, not a silent blob.
 */
public record Vocabulary(SortedMap<String, Long> counts, long captions) {

    public Vocabulary {
        counts = Collections.unmodifiableSortedMap(new TreeMap<>(counts));
        if (captions < 0 || counts.values().stream().anyMatch(c -> c <= 0)) {
            throw new IllegalArgumentException("a vocabulary counts captions and words at least once each");
        }
    }

    /** The words of these captions, as the text encoder splits them, with their counts. */
    public static Vocabulary of(Collection<String> captions) {
        SortedMap<String, Long> counts = new TreeMap<>();
        for (String caption : captions) {
            for (String word : WordHashTokenizer.words(caption)) {
                counts.merge(word, 1L, Long::sum);
            }
        }
        return new Vocabulary(counts, captions.size());
    }

    public boolean knows(String word) {
        return counts.containsKey(word);
    }

    /** The prompt's words the model never saw, each once, in the order they come. */
    public List<String> unknownWords(String prompt) {
        Set<String> out = new LinkedHashSet<>();
        for (String word : WordHashTokenizer.words(prompt)) {
            if (!knows(word)) {
                out.add(word);
            }
        }
        return new ArrayList<>(out);
    }

    /** The {@code n} most frequent words, most frequent first (ties in alphabetical order). */
    public List<String> mostFrequent(int n) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(n).map(Map.Entry::getKey).toList();
    }
}
