package dev.strom.store.reference;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our engine reproduces the reference implementation's stored computations within 1e-4. */
class ReferenceParityTest {

    static Path referenceRoot() {
        Path root = Path.of(System.getProperty("strom.reference.dir", "../../shared/reference"));
        assertTrue(Files.isDirectory(root), "reference vectors not found at " + root.toAbsolutePath()
                + " (set -Dstrom.reference.dir)");
        return root;
    }

    @ParameterizedTest
    @ValueSource(strings = {"t2i-tiny", "t2v-tiny"})
    void reproducesEveryStoredTensor(String name) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Comparison> results = ReferenceCheck.run(ReferenceDirectory.read(referenceRoot().resolve(name)), manager);
            String report = results.stream().map(Comparison::toString).collect(Collectors.joining("\n"));
            System.out.println(name + "\n" + report);
            assertTrue(results.size() > 30, "too few comparisons ran:\n" + report);
            assertTrue(results.stream().allMatch(Comparison::passed), "parity failures:\n" + report);
        }
    }
}
