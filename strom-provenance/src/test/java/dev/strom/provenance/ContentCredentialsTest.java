package dev.strom.provenance;

import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.media.ClipWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.strom.media.MediaDecoder;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import javax.imageio.ImageIO;

class ContentCredentialsTest {

    /** The only failure an unknown, locally made root may cause. */
    private static final List<String> UNTRUSTED = List.of("signingCredential.untrusted");
    private static final ContentCredentials.Generator GENERATOR = new ContentCredentials.Generator("0.1.0-test", "world-32");

    @TempDir
    static Path dir;
    static SigningIdentity identity;

    @BeforeAll
    static void identity() throws Exception {
        identity = SigningIdentity.loadOrCreate(SigningIdentity.Location.in(dir.resolve("signing")));
    }

    static Clip clip(long seed) {
        CaptionedWorld world = new CaptionedWorld(32, 16, 8, 0);
        return world.render(world.trainingScene(seed));
    }

    @Test
    void aSignedMp4ValidatesWithTheOfficialSdkUpToItsUntrustedLocalRoot() throws Exception {
        Path mp4 = dir.resolve("signed.mp4");
        ClipWriter.write(clip(1), mp4, 8);
        byte[] before = MediaDecoder.storedPixels(mp4).rgb();
        ContentCredentials.sign(mp4, GENERATOR, identity);
        assertTrue(Arrays.equals(before, MediaDecoder.storedPixels(mp4).rgb()),
                "the same frames after the manifest moved the media data");
        assertEquals(List.of("ftyp", "uuid"), Mp4Embedding.topLevel(Files.readAllBytes(mp4)).stream()
                .map(Mp4Embedding.TopBox::type).limit(2).toList(), "the manifest box follows ftyp");

        OfficialC2paSdk.Report report = OfficialC2paSdk.read(mp4, "video/mp4");
        assertTrue(report.present(), report.json().toString());
        assertEquals(UNTRUSTED, report.failures(), report.json().toString());
        assertTrue(report.successes().contains("assertion.bmffHash.match"), report.json().toString());
        assertTrue(report.json().path("assertions").toString().contains("c2pa.actions"), report.json().toString());

        ContentCredentials.Status own = ContentCredentials.status(mp4);
        assertTrue(own.valid(), own.toString());
        assertTrue(own.selfSigned());
    }

    @Test
    void flippingOneByteOfTheVideoDataBreaksTheBinding() throws Exception {
        Path mp4 = dir.resolve("flipped.mp4");
        ClipWriter.write(clip(2), mp4, 8);
        ContentCredentials.sign(mp4, GENERATOR, identity);
        byte[] bytes = Files.readAllBytes(mp4);
        Mp4Embedding.TopBox mdat = Mp4Embedding.topLevel(bytes).stream().filter(b -> b.type().equals("mdat")).findFirst().orElseThrow();
        bytes[(int) (mdat.offset() + mdat.size() / 2)] ^= 0x01;
        Files.write(mp4, bytes);

        OfficialC2paSdk.Report report = OfficialC2paSdk.read(mp4, "video/mp4");
        assertTrue(report.failures().contains("assertion.bmffHash.mismatch"), report.json().toString());
        assertFalse(ContentCredentials.status(mp4).valid());
    }

    @Test
    void aSignedPngValidatesWithTheOfficialSdk() throws Exception {
        Path png = dir.resolve("sheet.png");
        BufferedImage img = new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 4, 0xff0000);
        ImageIO.write(img, "png", png.toFile());
        ContentCredentials.sign(png, GENERATOR, identity);

        OfficialC2paSdk.Report report = OfficialC2paSdk.read(png, "image/png");
        assertEquals(UNTRUSTED, report.failures(), report.json().toString());
        assertTrue(report.successes().contains("assertion.dataHash.match"), report.json().toString());
        assertTrue(ContentCredentials.status(png).valid());
        assertTrue(ImageIO.read(png.toFile()).getRGB(3, 4) == 0xffff0000, "still a readable PNG");
    }

    @Test
    void theSameClipSignedTwiceGivesTheSameBytes() throws Exception {
        Path a = dir.resolve("twice-a.mp4");
        Path b = dir.resolve("twice-b.mp4");
        ClipWriter.write(clip(4), a, 8);
        Files.copy(a, b);
        ContentCredentials.sign(a, GENERATOR, identity);
        ContentCredentials.sign(b, GENERATOR, identity);
        assertTrue(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)));
    }

    @Test
    void aFileWithoutAManifestReportsNone() throws Exception {
        Path mp4 = dir.resolve("plain.mp4");
        ClipWriter.write(clip(3), mp4, 8);
        assertFalse(ContentCredentials.status(mp4).present());
        assertFalse(OfficialC2paSdk.read(mp4, "video/mp4").present());
    }

    @Test
    void theLocalIdentityIsReusedAndReportedAsSelfSigned() throws Exception {
        SigningIdentity again = SigningIdentity.loadOrCreate(SigningIdentity.Location.in(dir.resolve("signing")));
        assertFalse(again.created());
        assertTrue(identity.created());
        assertTrue(again.selfSigned());
        assertEquals(identity.signer(), again.signer());
        assertEquals(2, again.chain().size());
    }
}
