package dev.strom.cli;

import ai.djl.ndarray.NDManager;
import dev.strom.store.reference.Comparison;
import dev.strom.store.reference.ReferenceCheck;
import dev.strom.store.reference.ReferenceDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "reference-check", mixinStandardHelpOptions = true,
        description = {"Rebuilds a model from a reference directory (config.json, weights.safetensors, forward/"
                + "reverse[/denoiser].safetensors), reruns every stored computation and prints the error per tensor.",
                "Exit code 0 when all are within tolerance (1e-4), 1 when any is not, 2 on bad input."})
final class ReferenceCheckCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "directory laid out like shared/reference/t2v-tiny")
    Path dir;

    @Override
    public Integer call() throws Exception {
        List<Comparison> results;
        try (NDManager manager = NDManager.newBaseManager()) {
            results = ReferenceCheck.run(ReferenceDirectory.read(dir), manager);
        }
        results.forEach(System.out::println);
        long failed = results.stream().filter(c -> !c.passed()).count();
        System.out.printf("%d tensors checked, %d over tolerance%n", results.size(), failed);
        return failed == 0 ? 0 : 1;
    }
}
