package dev.strom.footage;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;

/**
 * Which files are held out for measuring bits/dim: about one in ten, chosen by a hash of the file's name so
 * the choice does not move when files are added or removed, and at least one.
 */
final class HeldOutSplit {

    private static final int ONE_IN = 10;

    private HeldOutSplit() {
    }

    static Set<String> of(List<String> files) {
        if (files.size() < 2) {
            throw new IllegalArgumentException("a folder dataset needs at least 2 usable files (one is held out), found "
                    + files.size());
        }
        Set<String> held = new TreeSet<>();
        for (String f : files) {
            if (hash(f) % ONE_IN == 0) {
                held.add(f);
            }
        }
        if (held.isEmpty()) {
            held.add(files.stream().min(Comparator.comparingLong(HeldOutSplit::hash).thenComparing(f -> f)).orElseThrow());
        }
        if (held.size() == files.size()) {
            held.remove(files.get(0));
        }
        return held;
    }

    private static long hash(String file) {
        CRC32 crc = new CRC32();
        crc.update(file.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
