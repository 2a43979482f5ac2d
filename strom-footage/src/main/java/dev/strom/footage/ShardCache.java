package dev.strom.footage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.strom.data.AtomicFiles;
import dev.strom.data.Clip;
import dev.strom.store.SafetensorsFile;
import dev.strom.tensor.TensorData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;

/**
 * Preprocessed clips on disk: {@code <folder>/.strom-cache/<preprocessing key>/shard-NNN.safetensors} (one
 * [T, H, W, 3] tensor of 8-bit levels per window, named {@code file#i}) and {@code index.json}, which maps each
 * file, with the size and modification time it had, to its shard, or to why it was skipped. A run appends one
 * shard with what it decoded; shard and index are written atomically, shard first, so a crash leaves at most an
 * unused shard.
 */
final class ShardCache {

    static final String DIR = ".strom-cache";
    static final String INDEX = "index.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What the index records for one file. Exactly one of shard and skipped is set. */
    record Entry(long size, long mtime, String shard, int windows, String skipped) {
    }

    private record Index(String preprocessing, Map<String, Entry> files) {
    }

    private final Path dir;
    private final Preprocessing prep;
    private final Map<String, Entry> entries;
    private final Map<String, Entry> pending = new LinkedHashMap<>();
    private final Map<String, TensorData> pendingTensors = new LinkedHashMap<>();
    private final Map<String, Map<String, TensorData>> shards = new HashMap<>();

    private ShardCache(Path dir, Preprocessing prep, Map<String, Entry> entries) {
        this.dir = dir;
        this.prep = prep;
        this.entries = entries;
    }

    static ShardCache open(Path folder, Preprocessing prep) throws IOException {
        Path dir = folder.resolve(DIR).resolve(prep.key());
        Map<String, Entry> entries = new TreeMap<>();
        Path index = dir.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            try {
                Index i = JSON.readValue(index.toFile(), new TypeReference<Index>() { });
                if (prep.describe().equals(i.preprocessing()) && i.files() != null) {
                    entries.putAll(i.files());
                }
            } catch (IOException e) {
                // an unreadable index only costs a new decode; it is rewritten below
                entries.clear();
            }
        }
        return new ShardCache(dir, prep, entries);
    }

    /** The cached entry of a file, if the file is unchanged since it was cached. */
    Entry lookup(String file, long size, long mtime) {
        Entry e = entries.get(file);
        return e != null && e.size() == size && e.mtime() == mtime ? e : null;
    }

    List<Clip> clips(String file, Entry e) throws IOException {
        Map<String, TensorData> shard = shards.get(e.shard());
        if (shard == null) {
            shard = SafetensorsFile.read(dir.resolve(e.shard()));
            shards.put(e.shard(), shard);
        }
        List<Clip> out = new ArrayList<>();
        for (int i = 0; i < e.windows(); i++) {
            TensorData t = shard.get(file + "#" + i);
            if (t == null) {
                throw new IOException("cache shard " + e.shard() + " lacks " + file + "#" + i);
            }
            out.add(toClip(t));
        }
        return out;
    }

    void putClips(String file, long size, long mtime, List<Clip> windows) {
        for (int i = 0; i < windows.size(); i++) {
            pendingTensors.put(file + "#" + i, toTensor(windows.get(i)));
        }
        pending.put(file, new Entry(size, mtime, null, windows.size(), null));
    }

    void putSkipped(String file, long size, long mtime, String reason) {
        pending.put(file, new Entry(size, mtime, null, 0, reason));
    }

    /** Writes what was decoded (one new shard) and the index, keeping only the files still present. */
    void commit(Set<String> present) throws IOException {
        boolean stale = entries.keySet().stream().anyMatch(f -> !present.contains(f) && !pending.containsKey(f));
        if (pending.isEmpty() && !stale) {
            return;
        }
        Files.createDirectories(dir);
        String shard = null;
        if (!pendingTensors.isEmpty()) {
            int n = 0;
            while (Files.exists(dir.resolve(shardName(n)))) {
                n++;
            }
            shard = shardName(n);
            SafetensorsFile.write(dir.resolve(shard), pendingTensors, Map.of("producer", "strom", "preprocessing", prep.describe()));
        }
        Map<String, Entry> next = new TreeMap<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (present.contains(e.getKey())) {
                next.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Entry> e : pending.entrySet()) {
            Entry v = e.getValue();
            next.put(e.getKey(), v.skipped() == null ? new Entry(v.size(), v.mtime(), shard, v.windows(), null) : v);
        }
        AtomicFiles.write(dir.resolve(INDEX), out -> JSON.writeValue(out, new Index(prep.describe(), next)));
        entries.clear();
        entries.putAll(next);
        pending.clear();
        pendingTensors.clear();
    }

    private static String shardName(int n) {
        return String.format("shard-%03d.safetensors", n);
    }

    private static TensorData toTensor(Clip c) {
        float[] v = new float[c.rgb().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = c.rgb()[i] & 0xff;
        }
        return new TensorData(new long[]{c.frames(), c.height(), c.width(), 3}, v);
    }

    private Clip toClip(TensorData t) {
        byte[] rgb = new byte[t.values().length];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) Math.round(t.values()[i]);
        }
        return new Clip((int) t.shape()[0], (int) t.shape()[1], (int) t.shape()[2], prep.fps(), rgb);
    }
}
