package dev.strom.cli;

import dev.strom.media.MediaDecoder;
import dev.strom.pipeline.MadeWith;
import dev.strom.provenance.ContentCredentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Prints what a clip Strom made was made with (prompt, seed, guidance, temperature, frames, model, "
                + "Strom version), whether its signed C2PA manifest says the same, and the command that makes it again.",
                "Exit 0: settings found; 1: the file carries none (not made by Strom, or stripped); 2: error."})
final class InspectCommand implements Callable<Integer> {

    static final int NO_SETTINGS = 1;

    @Parameters(paramLabel = "FILE", description = "an MP4, WebM or PNG Strom wrote")
    Path file;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        ContentCredentials.Status manifest = ContentCredentials.status(file);
        Optional<MadeWith> signed = manifest.valid() ? MadeWith.fromFields(manifest.settings()) : Optional.empty();
        Optional<MadeWith> tagged = tagged(file);
        Optional<MadeWith> made = signed.or(() -> tagged);
        System.out.println("file:         " + file);
        if (made.isEmpty()) {
            System.out.println("settings:     none (the file was not made by Strom, or its tags were stripped)");
            return NO_SETTINGS;
        }
        for (Map.Entry<String, String> f : made.get().fields().entrySet()) {
            System.out.printf("%-13s %s%n", f.getKey() + ":", f.getValue());
        }
        System.out.println("signed:       " + (signed.isPresent()
                ? "yes, by the file's valid C2PA manifest" + (tagged.isPresent() && !tagged.equals(signed) ? " (the file's tag says otherwise: tampered)" : "")
                : manifest.present() ? "no: the C2PA manifest is invalid (" + String.join("; ", manifest.problems()) + ")"
                : "no: the file carries no C2PA manifest, only the settings tag"));
        System.out.println("make again:   " + made.get().command());
        return 0;
    }

    /** The settings tag of an MP4 or WebM; PNG and GIF carry none (only the manifest, for PNG). */
    private static Optional<MadeWith> tagged(Path file) {
        try {
            return MadeWith.fromJson(MediaDecoder.tags(file).get(MadeWith.TAG));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
