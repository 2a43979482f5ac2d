package dev.strom.serve;

import dev.strom.pipeline.Mode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;

/**
 * One video as stored: what was asked (prompt, settings, the mapping of size and seconds), where its job is,
 * and how it ended, and the project (see {@link ApiKeys}) that owns it. {@link #toApi} gives the Videos API's
 * JSON, Strom's details under "strom".
 */
public record VideoRecord(VideoId id, String project, long createdMillis, Long completedAt, VideoStatus status, int progress,
                          String model, String prompt, long seed, float guidance, int frames, double fps, int scale,
                          int nativeSize, Mode mode, String reference, String remixedFrom, String requestedSize,
                          String requestedSeconds, List<String> notes, String errorCode, String errorMessage,
                          Double bitsPerDim, String worker) {

    /** How the note naming a prompt's unknown words begins; {@link #toApi} lists them as strom.unknown_words. */
    static final String UNKNOWN_WORDS = "words the model never saw in training (it draws nothing for them): ";

    public VideoRecord {
        notes = List.copyOf(notes);
    }

    /** The prompt's words the model never saw, from the note that names them. */
    List<String> unknownWords() {
        return notes.stream().filter(n -> n.startsWith(UNKNOWN_WORDS)).findFirst()
                .map(n -> List.of(n.substring(UNKNOWN_WORDS.length()).split(", "))).orElse(List.of());
    }

    public OutputShape shape() {
        return new OutputShape(frames, fps, scale, nativeSize, notes);
    }

    public ObjectNode toApi(ObjectMapper json) {
        ObjectNode v = json.createObjectNode();
        v.put("id", id.toString());
        v.put("object", "video");
        v.put("created_at", createdMillis / 1000);
        if (completedAt == null) {
            v.putNull("completed_at");
        } else {
            v.put("completed_at", completedAt);
        }
        v.putNull("expires_at");
        v.put("status", status.wire());
        v.put("progress", progress);
        v.put("model", model);
        v.put("prompt", prompt);
        v.put("seconds", shape().seconds());
        v.put("size", shape().size());
        v.put("remixed_from_video_id", remixedFrom);
        if (errorCode == null) {
            v.putNull("error");
        } else {
            v.putObject("error").put("code", errorCode).put("message", errorMessage);
        }
        ObjectNode s = v.putObject("strom");
        s.put("mode", mode.name().toLowerCase(Locale.ROOT));
        s.put("seed", seed);
        s.put("guidance", guidance);
        s.put("frames", frames);
        s.put("fps", fps);
        s.put("native_size", nativeSize + "x" + nativeSize);
        s.put("requested_size", requestedSize);
        s.put("requested_seconds", requestedSeconds);
        notes.forEach(s.putArray("notes")::add);
        unknownWords().forEach(s.putArray("unknown_words")::add);
        if (bitsPerDim == null) {
            s.putNull("bits_per_dim");
        } else {
            s.put("bits_per_dim", bitsPerDim);
        }
        s.put("worker", worker);
        return v;
    }
}
