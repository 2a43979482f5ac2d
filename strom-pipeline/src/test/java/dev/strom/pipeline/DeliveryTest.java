package dev.strom.pipeline;

import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.provenance.SigningIdentity;
import dev.strom.provenance.Verifier;
import dev.strom.video.Sampling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A delivered file is encoded and signed under a temporary name and appears whole, signed, or not at all. */
class DeliveryTest {

    @TempDir
    Path dir;

    private static VideoRequest request(Clip clip) {
        return new VideoRequest(Mode.TEXT, "a red apple", 1, clip.frames(), Sampling.FALLBACK, null, null);
    }

    private List<String> filesIn(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSignedVideoAndSheetAppearWholeWithNoTemporaryBeside() throws IOException {
        CaptionedWorld world = new CaptionedWorld(32, 16, 8, 0);
        Clip clip = world.render(world.trainingScene(1));
        Path out = Files.createDirectories(dir.resolve("out"));
        Delivery signed = Delivery.signedBy(SigningIdentity.Location.in(dir.resolve("identity")), "world-32");
        assertTrue(signed.write(clip, request(clip), out.resolve("a.mp4"), 8));
        signed.writeSheet(clip, out.resolve("a.png"), 4);
        assertEquals(List.of("a.mp4", "a.png"), filesIn(out));
        assertTrue(Verifier.verify(out.resolve("a.mp4")).provenance(), "signed after encoding, in the temporary");
        assertTrue(Verifier.verify(out.resolve("a.png")).manifest().valid());
    }

    @Test
    void anEncoderThatFailsLeavesNeitherTheFileNorATemporary() throws IOException {
        // 5 pixels wide at scale 1: H.264's yuv420p refuses it once the temporary file exists
        Clip odd = new Clip(4, 6, 5, 8, new byte[4 * 6 * 5 * 3]);
        Path out = Files.createDirectories(dir.resolve("out"));
        for (Delivery delivery : new Delivery[]{Delivery.withoutProvenance("world-32"),
                Delivery.signedBy(SigningIdentity.Location.in(dir.resolve("identity")), "world-32")}) {
            assertThrows(IllegalArgumentException.class, () -> delivery.write(odd, request(odd), out.resolve("x.mp4"), 1));
            assertEquals(List.of(), filesIn(out), "nothing at the target and no temporary");
        }
    }
}
