package dev.strom.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a delivered clip was made with, recorded in the file (an MP4 or WebM "description" tag, and a signed C2PA
 * assertion in MP4 and PNG) so anyone holding the file can make it again or vary it: the same settings, model and
 * machine give the same clip.
 */
public record MadeWith(String strom, String model, Mode mode, String prompt, long seed, float guidance, float temperature,
                       int frames, boolean sequential, boolean denoise) {

    /** The container tag that holds {@link #toJson()}. */
    public static final String TAG = "description";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static MadeWith of(VideoRequest r, String model) {
        return new MadeWith(VideoPipeline.version(), model, r.mode(), r.prompt(), r.seed(), r.sampling().guidance(),
                r.sampling().temperature(), r.frames(), r.sampling().inversion().sequential(), r.sampling().denoise());
    }

    /** The settings as named text fields, in a fixed order (the C2PA assertion's map, the tag's JSON object). */
    public Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("strom", strom);
        f.put("model", model);
        f.put("mode", mode.name().toLowerCase(Locale.ROOT));
        f.put("prompt", prompt);
        f.put("seed", Long.toString(seed));
        f.put("guidance", Float.toString(guidance));
        f.put("temperature", Float.toString(temperature));
        f.put("frames", Integer.toString(frames));
        f.put("sampler", sequential ? "sequential" : "jacobi");
        f.put("denoise", Boolean.toString(denoise));
        return f;
    }

    /** The settings read back from {@link #fields()}; empty when a field is missing or malformed (not Strom's). */
    public static Optional<MadeWith> fromFields(Map<String, String> f) {
        try {
            return Optional.of(new MadeWith(f.get("strom"), f.get("model"), Mode.valueOf(f.get("mode").toUpperCase(Locale.ROOT)),
                    f.get("prompt"), Long.parseLong(f.get("seed")), Float.parseFloat(f.get("guidance")),
                    Float.parseFloat(f.get("temperature")), Integer.parseInt(f.get("frames")), "sequential".equals(f.get("sampler")),
                    Boolean.parseBoolean(f.get("denoise"))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(Map.of("strom_settings", fields()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The settings in a container tag written by {@link #toJson()}; empty for any other text. */
    public static Optional<MadeWith> fromJson(String tag) {
        if (tag == null) {
            return Optional.empty();
        }
        try {
            Map<String, Map<String, String>> doc = JSON.readValue(tag, new TypeReference<>() { });
            return doc.get("strom_settings") == null ? Optional.empty() : fromFields(doc.get("strom_settings"));
        } catch (JsonProcessingException | ClassCastException e) {
            return Optional.empty();
        }
    }

    /** The command that makes the clip again (SOURCE stands for the still or clip a mode with a source needs). */
    public String command() {
        String options = " --seed " + seed + " --cfg " + guidance + " --temperature " + temperature
                + (sequential ? " --sampler sequential" : "") + (denoise ? "" : " --no-denoise");
        String quoted = "\"" + prompt.replace("\"", "\\\"") + "\"";
        return switch (mode) {
            case TEXT -> "strom generate " + quoted + " --frames " + frames + options;
            case IMAGE -> "strom generate " + quoted + " --image SOURCE --frames " + frames + options;
            case EXTEND -> "strom extend SOURCE " + quoted + options + " (to " + frames + " frames)";
            case EDIT -> "strom edit SOURCE " + quoted + options;
            case REMIX -> "strom remix SOURCE " + quoted + options;
        };
    }
}
