package dev.strom.text;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VocabularyTest {

    private final Vocabulary words = Vocabulary.of(List.of("a red apple moving left on a blue background",
            "ein roter Apfel bewegt sich nach links", "A red star spinning"));

    @Test
    void countsTheWordsOfTheCaptionsAsTheTextEncoderSplitsThem() {
        assertEquals(3, words.captions());
        assertEquals(3L, words.counts().get("a"), "lower-cased, as the encoder reads it");
        assertEquals(2L, words.counts().get("red"));
        assertTrue(words.knows("apfel"));
        assertEquals("a", words.mostFrequent(1).get(0));
    }

    @Test
    void namesEachUnknownWordOnceInPromptOrder() {
        assertEquals(List.of("cat", "walking", "beach"), words.unknownWords("a cat walking on a beach, a CAT!"));
        assertTrue(words.unknownWords("A Red Apple moving left").isEmpty(), "case does not matter");
        assertFalse(words.knows("cat"));
    }
}
