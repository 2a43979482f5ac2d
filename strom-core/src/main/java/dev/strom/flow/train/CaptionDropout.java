package dev.strom.flow.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Replaces a sample's caption with the empty caption with probability p, so one model learns both the
 * conditional and the unconditional density that guidance needs (STARFlow: 10%). A caption that starts with one of
 * the kept {@code markers} (an example of another kind, such as STARFlow-V's "(v2v) " edits) keeps the marker and
 * loses only what follows it.
 * <p>
 * Why: without the marker an edit's dropped caption is the empty caption of every plain clip, and the unconditional
 * density learns that any clip may change wholesale where edits' results start. Guidance pushes each frame away from
 * that density, and the compensation carries each push on: objects swelled from there on in plain clips
 * (docs/experiments.md, session 29). With the marker, the empty caption's density is of plain clips alone, and an
 * edit's unconditional branch is read under the marker alone, as it was trained.
 */
public final class CaptionDropout {

    /** No caption is ever dropped. */
    public static final CaptionDropout NONE = new CaptionDropout(0f, List.of());

    private final float probability;
    private final List<String> markers;

    /**
     * @param probability how often a caption is dropped, in [0, 1]
     * @param markers     leading markers a dropped caption keeps
     */
    public CaptionDropout(float probability, List<String> markers) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("caption dropout must be in [0, 1], got " + probability);
        }
        this.probability = probability;
        this.markers = List.copyOf(markers);
    }

    /** The captions with some replaced by "", or by their marker alone. */
    public List<String> apply(List<String> captions, Random rng) {
        List<String> out = new ArrayList<>(captions.size());
        for (String c : captions) {
            out.add(rng.nextFloat() < probability ? unconditional(c) : c);
        }
        return out;
    }

    /** What {@code caption} is when dropped: its kept marker alone, or "". */
    public String unconditional(String caption) {
        return markers.stream().filter(caption::startsWith).findFirst().orElse("");
    }
}
