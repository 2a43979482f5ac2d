package dev.strom.flow.train;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CaptionDropoutTest {

    private static final List<String> CAPTIONS = List.of("a red apple moves left", "(v2v) make the apple blue", "(extend) a red apple");

    @Test
    void aDroppedEditCaptionKeepsItsMarkerSoTheEmptyCaptionIsOfPlainClipsAlone() {
        CaptionDropout always = new CaptionDropout(1f, List.of("(v2v) "));
        assertEquals(List.of("", "(v2v) ", ""), always.apply(CAPTIONS, new Random(1)),
                "only a kept marker survives; an unkept one goes with its caption");
    }

    @Test
    void withoutMarkersADroppedCaptionIsEmptyAndNoneDropsNothing() {
        assertEquals(List.of("", "", ""), new CaptionDropout(1f, List.of()).apply(CAPTIONS, new Random(1)));
        assertEquals(CAPTIONS, CaptionDropout.NONE.apply(CAPTIONS, new Random(1)));
    }

    @Test
    void aboutTheAskedShareOfCaptionsIsDropped() {
        List<String> many = java.util.Collections.nCopies(4000, "a red apple");
        long dropped = new CaptionDropout(0.1f, List.of()).apply(many, new Random(7)).stream().filter(String::isEmpty).count();
        assertEquals(400, dropped, 60, "about one in ten of 4000");
    }

    @Test
    void aShareOutsideZeroToOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CaptionDropout(1.5f, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new CaptionDropout(Float.NaN, List.of()));
    }
}
