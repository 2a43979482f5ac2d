package dev.strom.cli;

import dev.strom.footage.FolderDataset;
import dev.strom.footage.Preprocessing;
import dev.strom.media.MediaDecoder;
import dev.strom.store.ModelVocabulary;
import dev.strom.text.Vocabulary;
import dev.strom.video.VideoModel;
import dev.strom.video.VideoSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A folder of your own clips and images: each step draws its batch uniformly from all training clips (video
 * windows and one-frame images alike, as STARFlow-V trains jointly on images and videos) and groups it by clip
 * length, longest first.
 */
final class FolderTrainingData implements TrainingData {

    private final FolderDataset data;
    private final long seed;
    private final int batch;

    private FolderTrainingData(FolderDataset data, long seed, int batch) {
        this.data = data;
        this.seed = seed;
        this.batch = batch;
    }

    /** Loads (or finds in its cache) the folder, printing one warning per skipped file and a summary. */
    static FolderTrainingData open(Path folder, VideoSpec spec, MediaDecoder.Fit fit, long seed, int batch) throws IOException {
        FolderDataset d = FolderDataset.load(folder, Preprocessing.of(spec.size(), spec.fps(), spec.frames(), fit),
                w -> System.err.println("warning: " + w));
        System.err.println("data: " + d.summary() + " (" + d.decoded() + " files decoded, " + d.cached() + " from the cache)");
        if (d.train().isEmpty()) {
            throw new IllegalArgumentException("--data " + folder + ": no training clips left after the held-out split");
        }
        return new FolderTrainingData(d, seed, batch);
    }

    @Override
    public List<BatchPart> batch(int step) {
        Random r = new Random(seed * 1_000_033L + step);
        Map<Integer, List<FolderDataset.Item>> byLength = new TreeMap<>(Comparator.reverseOrder());
        for (int i = 0; i < batch; i++) {
            FolderDataset.Item item = data.train().get(r.nextInt(data.train().size()));
            byLength.computeIfAbsent(item.clip().frames(), k -> new ArrayList<>()).add(item);
        }
        List<BatchPart> parts = new ArrayList<>();
        byLength.forEach((frames, items) -> parts.add(part(frames, items)));
        return parts;
    }

    private static BatchPart part(int frames, List<FolderDataset.Item> items) {
        return new BatchPart(items.stream().map(i -> i.clip().toModelLayout()).toList(), frames,
                items.stream().map(FolderDataset.Item::caption).toList());
    }

    /** Mean conditional bits/dim over the held-out files' clips (every window, every image). */
    @Override
    public double heldOutBitsPerDim(VideoModel model) {
        Map<Integer, List<FolderDataset.Item>> byLength = new TreeMap<>();
        for (FolderDataset.Item item : data.heldOut()) {
            byLength.computeIfAbsent(item.clip().frames(), k -> new ArrayList<>()).add(item);
        }
        double sum = 0;
        for (Map.Entry<Integer, List<FolderDataset.Item>> e : byLength.entrySet()) {
            BatchPart p = part(e.getKey(), e.getValue());
            for (double b : model.likelihood().bitsPerDim(p.clips(), p.frames(), p.captions(), 1234)) {
                sum += b;
            }
        }
        return sum / data.heldOut().size();
    }

    @Override
    public String description() {
        return data.summary();
    }

    /** Every training file's caption (held-out files are not trained on, so their words stay unknown). */
    @Override
    public ModelVocabulary vocabulary() {
        // one caption per file, however many windows it gave
        Map<String, String> byFile = new TreeMap<>();
        data.train().forEach(i -> byFile.putIfAbsent(i.file(), i.caption()));
        List<String> captions = List.copyOf(byFile.values());
        return new ModelVocabulary(Vocabulary.of(captions), null, captions.stream().distinct().limit(4).toList());
    }
}
