package dev.strom.cli;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import dev.strom.flow.train.TrainStep;
import dev.strom.store.SafetensorsFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Where a training phase (the autoencoder, the denoiser) stands: the step it is at and the seconds trained so far. */
record ResumedAt(int step, double elapsedSeconds) {

    /**
     * A fresh start ({@code state} null) is step 0; otherwise the saved step and time, with the optimizer's moments
     * read back from {@code optimizer} and the schedule moved on to that step, so the run continues exactly.
     */
    static ResumedAt restore(JsonNode state, TrainStep step, Path optimizer, Map<String, NDArray> params) throws IOException {
        if (state == null) {
            return new ResumedAt(0, 0);
        }
        int at = state.path("step").asInt();
        step.optimizer().restore(SafetensorsFile.read(optimizer), params);
        step.resumeAt(at);
        return new ResumedAt(at, state.path("elapsed_seconds").asDouble());
    }
}
