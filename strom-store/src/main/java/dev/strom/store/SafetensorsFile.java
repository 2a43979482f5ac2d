package dev.strom.store;

import dev.strom.data.AtomicFiles;
import dev.strom.tensor.TensorData;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/** Safetensors on disk: memory-mapped reads, atomic writes. */
public final class SafetensorsFile {

    private SafetensorsFile() {
    }

    public static Map<String, TensorData> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            try {
                return Safetensors.decode(buf);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        }
    }

    public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata) throws IOException {
        AtomicFiles.write(file, out -> {
            try (OutputStream o = new BufferedOutputStream(out, 1 << 16)) {
                Safetensors.encode(tensors, metadata, o);
            }
        });
    }
}
