package dev.strom.media;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StillImageTest {

    @Test
    void aWebpFileStartsWithItsRiffSignatureAndHasTheImagesSize(@TempDir Path dir) throws Exception {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        image.setRGB(10, 10, 0xff0000);
        Path file = dir.resolve("still.webp");
        StillImage.writeWebp(image, file, 80);
        byte[] bytes = Files.readAllBytes(file);
        assertEquals("RIFF", new String(Arrays.copyOfRange(bytes, 0, 4), StandardCharsets.US_ASCII));
        assertEquals("WEBP", new String(Arrays.copyOfRange(bytes, 8, 12), StandardCharsets.US_ASCII));
        MediaDecoder.Media decoded = MediaDecoder.decode(file, MediaDecoder.Target.asStored(), MediaDecoder.Fit.CROP);
        assertEquals(64, decoded.storedWidth());
        assertEquals(48, decoded.storedHeight());
    }
}
