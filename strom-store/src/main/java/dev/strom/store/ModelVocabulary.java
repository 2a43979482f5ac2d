package dev.strom.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.data.AtomicFiles;
import dev.strom.text.Vocabulary;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a model knows, kept beside its weights as {@value #FILE}: the words of its training captions with their
 * counts, what it can draw where its data says so (the built-in world: objects with their fixed colours, motions,
 * backgrounds), and example prompts made of known words. Written by {@code strom train} with every checkpoint.
 */
public record ModelVocabulary(Vocabulary words, CanDraw canDraw, List<String> examples) {

    public static final String FILE = "vocabulary.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** An object the model draws, always in its own colour. */
    public record Drawn(String name, String colour) {
    }

    /** What the training data's ground truth says the model can draw; null for footage. */
    public record CanDraw(List<Drawn> objects, List<String> motions, List<String> backgrounds, String note) {

        public CanDraw {
            objects = List.copyOf(objects);
            motions = List.copyOf(motions);
            backgrounds = List.copyOf(backgrounds);
        }
    }

    public ModelVocabulary {
        examples = List.copyOf(examples);
    }

    /**
     * The model directory's vocabulary file as it is, to go unchanged beside a model made from it (a merge, a
     * learned denoiser) in {@link ModelStore#save}'s extras; none for a model trained before Strom kept one.
     */
    public static Map<String, AtomicFiles.Content> carriedFrom(Path modelDir) throws IOException {
        Path file = modelDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        byte[] bytes = Files.readAllBytes(file);
        return Map.of(FILE, o -> o.write(bytes));
    }

    /** The model directory's vocabulary; empty for a model trained before Strom kept one. */
    public static Optional<ModelVocabulary> read(Path modelDir) throws IOException {
        Path file = modelDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode n = JSON.readTree(file.toFile());
        TreeMap<String, Long> counts = new TreeMap<>();
        n.path("words").fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
        CanDraw canDraw = null;
        JsonNode d = n.path("can_draw");
        if (d.isObject()) {
            List<Drawn> objects = new ArrayList<>();
            d.path("objects").forEach(o -> objects.add(new Drawn(o.path("name").asText(), o.path("colour").asText())));
            canDraw = new CanDraw(objects, texts(d.path("motions")), texts(d.path("backgrounds")), d.path("note").asText(""));
        }
        return Optional.of(new ModelVocabulary(new Vocabulary(counts, n.path("captions").asLong()), canDraw, texts(n.path("examples"))));
    }

    /** The JSON document, as {@link #read} reads it. */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("captions", words.captions());
        ObjectNode w = n.putObject("words");
        words.counts().forEach(w::put);
        if (canDraw != null) {
            ObjectNode d = n.putObject("can_draw");
            var objects = d.putArray("objects");
            canDraw.objects().forEach(o -> objects.addObject().put("name", o.name()).put("colour", o.colour()));
            canDraw.motions().forEach(d.putArray("motions")::add);
            canDraw.backgrounds().forEach(d.putArray("backgrounds")::add);
            d.put("note", canDraw.note());
        }
        examples.forEach(n.putArray("examples")::add);
        return n;
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(JSON.writeValueAsBytes(toJson()));
        out.write('\n');
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(t -> out.add(t.asText()));
        return out;
    }
}
