package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strom.data.AtomicFiles;
import dev.strom.media.MediaDecoder;
import dev.strom.store.ModelStore;
import dev.strom.store.ModelVocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "vocabulary", mixinStandardHelpOptions = true,
        description = {"Writes a model's vocabulary (MODEL/vocabulary.json): the words of its training captions with their "
                + "counts and what it can draw, from the data it was trained on.",
                "strom train writes it with every checkpoint; this is for a model trained before it did."})
final class VocabularyCommand implements Callable<Integer> {

    @Mixin
    ModelOption model = new ModelOption();

    @Option(names = "--data", defaultValue = "world", description = "'world' (default) or the folder of clips it was trained on")
    String data;

    @Option(names = "--seed", defaultValue = "0", description = "the training run's --seed (the world's captions follow from it)")
    long seed;

    @Override
    public Integer call() throws Exception {
        Path dir = model.resolve();
        JsonNode config = ModelStore.readConfig(dir);
        if (!data.equals("world") && !Files.isDirectory(Path.of(data))) {
            throw new IllegalArgumentException("--data '" + data + "' is neither 'world' nor a folder");
        }
        var spec = ModelStore.videoSpec(config);
        int batch = config.path("train").path("batch").asInt(8);
        TrainingData source = data.equals("world")
                ? new WorldTrainingData(config.path("train"), spec, seed, batch)
                : FolderTrainingData.open(Path.of(data), config.path("train"), spec, MediaDecoder.Fit.CROP, seed, batch);
        ModelVocabulary vocabulary = source.vocabulary();
        AtomicFiles.write(dir.resolve(ModelVocabulary.FILE), vocabulary::writeTo);
        System.out.println(dir.resolve(ModelVocabulary.FILE) + ": " + vocabulary.words().counts().size() + " words from "
                + vocabulary.words().captions() + " captions");
        return 0;
    }
}
