package dev.strom.flow.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Replaces a sample's caption with the empty caption with probability p, so one model learns both the
 * conditional and the unconditional density that guidance needs (STARFlow: 10%).
 */
public final class CaptionDropout {

    private final float probability;

    public CaptionDropout(float probability) {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("caption dropout must be in [0, 1], got " + probability);
        }
        this.probability = probability;
    }

    /** The captions with some replaced by "". */
    public List<String> apply(List<String> captions, Random rng) {
        List<String> out = new ArrayList<>(captions.size());
        for (String c : captions) {
            out.add(rng.nextFloat() < probability ? "" : c);
        }
        return out;
    }
}
