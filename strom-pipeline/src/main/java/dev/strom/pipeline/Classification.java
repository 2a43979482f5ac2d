package dev.strom.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * Which of several captions a clip was made from, read off the exact likelihood, as {@code strom classify}
 * prints it and {@code POST /v1/classifications} answers.
 *
 * @param framesRead    frames read, from the clip's first
 * @param framesGiven   of those, the first ones conditioned on rather than read
 * @param resampledFrom what the file was when it was not at the model's size and fps
 * @param captions      the captions by probability, highest first
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Classification(String object, String model, String file, int framesRead, int framesGiven,
                             String resampledFrom, int draws, List<Choice> captions) {

    /** One caption and the probability that the clip was made from it. */
    public record Choice(String caption, double probability) {
    }

    public Classification withFile(String f) {
        return new Classification(object, model, f, framesRead, framesGiven, resampledFrom, draws, captions);
    }
}
