package dev.strom.pipeline;

import java.util.List;

/**
 * Which captions to choose between for a clip, and how to read it.
 *
 * @param frames frames to read from the clip's first (null: the model's training length)
 * @param given  of those, the first ones conditioned on rather than read
 * @param draws  noise draws each caption's likelihood is averaged over, at least 1
 * @param seed   seed of the noise draws
 */
public record ClassifyRequest(List<String> captions, Integer frames, int given, int draws, long seed) {

    public static final int DEFAULT_DRAWS = 4;

    public ClassifyRequest {
        if (captions == null || captions.size() < 2) {
            throw new IllegalArgumentException("at least two captions are needed to choose between");
        }
        if (captions.stream().anyMatch(c -> c == null || c.isBlank())) {
            throw new IllegalArgumentException("captions must not be empty");
        }
        captions = List.copyOf(captions);
        if (frames != null && frames < 1) {
            throw new IllegalArgumentException("frames must be at least 1, got " + frames);
        }
        if (given < 0) {
            throw new IllegalArgumentException("given must be 0 or more, got " + given);
        }
        if (draws < 1) {
            throw new IllegalArgumentException("draws must be at least 1, got " + draws);
        }
    }
}
