package dev.strom.store.reference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strom.tensor.TensorData;

import java.util.Map;

/**
 * One set of parity vectors from the reference implementation, as laid out in shared/reference/NAME:
 * the config document, the weights, and the stored computations (forward, reverse, optional denoiser),
 * plus optionally that config's entry of report.json (Jacobi iteration counts).
 */
public record ReferenceCase(String name, JsonNode config, Map<String, TensorData> weights,
                            Map<String, TensorData> forward, Map<String, TensorData> reverse,
                            Map<String, TensorData> denoiser, JsonNode report) {

    public TensorData tensor(Map<String, TensorData> file, String fileName, String key) {
        TensorData t = file.get(key);
        if (t == null) {
            throw new IllegalArgumentException(name + ": " + fileName + " has no tensor '" + key + "'");
        }
        return t;
    }
}
