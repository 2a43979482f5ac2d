package dev.strom.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Map;

/**
 * A clip's exact likelihood under a model, as {@code strom score} prints it and {@code POST /v1/scores} answers.
 *
 * @param frames                 frames scored: every frame of the clip at the model's fps
 * @param resampledFrom          what the file was when it was not at the model's size and fps ("640x360 at 30.0 fps")
 * @param conditionalBitsPerDim  given {@code prompt}, when one was asked for
 * @param codecBitsPerDim        lossless codecs' bits/dim on the same pixels, when asked for
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Score(String object, String model, String file, int frames, String resampledFrom, double bitsPerDim,
                    String prompt, Double conditionalBitsPerDim, Map<String, Double> codecBitsPerDim) {

    public Score withFile(String f) {
        return new Score(object, model, f, frames, resampledFrom, bitsPerDim, prompt, conditionalBitsPerDim, codecBitsPerDim);
    }

    public Score withCodecs(Map<String, Double> codecs) {
        return new Score(object, model, file, frames, resampledFrom, bitsPerDim, prompt, conditionalBitsPerDim, codecs);
    }
}
