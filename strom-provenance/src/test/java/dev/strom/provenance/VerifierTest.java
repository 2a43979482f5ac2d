package dev.strom.provenance;

import dev.strom.data.Clip;
import dev.strom.media.ClipWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What verify makes of a file: the manifest and the watermark each reported, a damaged file as a finding rather
 * than an error, and a verdict that is "verified" only when a valid manifest and the watermark agree.
 */
class VerifierTest {

    private static final ContentCredentials.Generator GENERATOR = new ContentCredentials.Generator("0.1.0-test", "world-32");

    @TempDir
    static Path dir;
    static ProvenanceStamp stamp;
    static byte[] signed;

    /** One clip as generate delivers it: watermarked as it is encoded, then signed. */
    @BeforeAll
    static void signedClip() throws Exception {
        stamp = ProvenanceStamp.open(SigningIdentity.Location.in(dir.resolve("signing")), GENERATOR);
        Clip clip = ContentCredentialsTest.clip(3);
        Path mp4 = dir.resolve("made.mp4");
        ClipWriter.write(clip, mp4, 8, Map.of(), stamp.watermark(clip, 8, "a clip"));
        assertTrue(stamp.sign(mp4));
        signed = Files.readAllBytes(mp4);
    }

    private static Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void aSignedWatermarkedClipIsVerified() throws Exception {
        Verification v = Verifier.verify(file("whole.mp4", signed));
        assertTrue(v.manifest().valid(), v.toString());
        assertTrue(v.watermark().detected(), v.toString());
        assertEquals(Verification.Verdict.VERIFIED, v.verdict());
        assertTrue(v.provenance());
    }

    @Test
    void aTruncatedSignedClipReportsItsManifestInvalidWithoutAnError() throws Exception {
        for (int keep : new int[]{signed.length / 2, signed.length - 1, 4096}) {
            Verification v = Verifier.verify(file("cut-" + keep + ".mp4", Arrays.copyOf(signed, keep)));
            assertTrue(v.manifest().present(), "the manifest sits right after ftyp, before the cut: " + v);
            assertFalse(v.manifest().valid(), v.toString());
            assertTrue(v.manifest().problems().stream().anyMatch(p -> p.contains("hash")), v.manifest().problems().toString());
            assertEquals(Verification.Verdict.INVALID, v.verdict(), "kept " + keep + " bytes: " + v);
            assertFalse(v.provenance());
        }
    }

    @Test
    void aByteFlippedSignedClipIsInvalidWhateverTheWatermarkSays() throws Exception {
        byte[] flipped = signed.clone();
        Mp4Embedding.TopBox mdat = Mp4Embedding.topLevel(flipped).stream().filter(b -> b.type().equals("mdat")).findFirst().orElseThrow();
        flipped[(int) (mdat.offset() + mdat.size() / 2)] ^= 0x01;
        Verification v = Verifier.verify(file("flipped.mp4", flipped));
        assertFalse(v.manifest().valid(), v.toString());
        // one flipped bit leaves the watermark readable: it used to make the file count as having provenance
        assertNotNull(v.watermark(), v.toString());
        assertEquals(Verification.Verdict.INVALID, v.verdict(), v.toString());
        assertFalse(v.provenance());

        byte[] header = signed.clone();
        int manifestBox = java.nio.ByteBuffer.wrap(signed).getInt(0); // it follows ftyp
        header[manifestBox + 3] ^= 0x01; // its size field is one off: every box after it is misread
        Verification h = Verifier.verify(file("header.mp4", header));
        assertEquals(Verification.Verdict.INVALID, h.verdict(), h.toString());
        assertFalse(h.provenance());
    }

    @Test
    void aWatermarkWithoutAManifestIsNotVerified() throws Exception {
        Clip clip = ContentCredentialsTest.clip(4);
        Path gif = dir.resolve("made.gif");
        ClipWriter.write(clip, gif, 8, Map.of(), stamp.watermark(clip, 8, "a gif"));
        Verification v = Verifier.verify(gif);
        assertFalse(v.manifest().present());
        assertTrue(v.watermark().detected(), v.toString());
        assertEquals(Verification.Verdict.WATERMARK_ONLY, v.verdict());
        assertFalse(v.provenance());
    }

    @Test
    void aFileWithNeitherAManifestNorFramesIsAnError() throws Exception {
        Path text = file("notes.mp4", "hello, I am text".getBytes());
        IOException e = assertThrows(IOException.class, () -> Verifier.verify(text));
        assertTrue(e.getMessage().startsWith("not a readable video: notes.mp4"), e.getMessage());
    }
}
