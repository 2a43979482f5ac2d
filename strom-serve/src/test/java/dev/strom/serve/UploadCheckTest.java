package dev.strom.serve;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UploadCheckTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0};
    private static final byte[] MP4 = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'};

    private final UploadCheck check = new UploadCheck(100);

    @Test
    void theTypeComesFromTheLeadingBytes() {
        assertEquals(UploadCheck.Kind.PNG, UploadCheck.sniff(PNG));
        assertEquals(UploadCheck.Kind.MP4, UploadCheck.sniff(MP4));
        assertEquals(UploadCheck.Kind.JPEG, UploadCheck.sniff(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0}));
        assertEquals(UploadCheck.Kind.WEBM, UploadCheck.sniff(new byte[]{0x1A, 0x45, (byte) 0xDF, (byte) 0xA3}));
        assertEquals(UploadCheck.Kind.WEBP, UploadCheck.sniff("RIFF0000WEBPVP8 ".getBytes()));
        assertNull(UploadCheck.sniff("<html>".getBytes()));
        assertNull(UploadCheck.sniff(new byte[2]));
    }

    @Test
    void anImageParameterRefusesVideosAndTheOtherWayRound() {
        assertEquals(UploadCheck.Kind.PNG, check.image("input_reference", PNG));
        assertEquals(400, assertThrows(ApiError.class, () -> check.image("input_reference", MP4)).status());
        assertEquals(UploadCheck.Kind.MP4, check.video("file", MP4));
        assertEquals(400, assertThrows(ApiError.class, () -> check.video("file", PNG)).status());
        assertEquals(400, assertThrows(ApiError.class, () -> check.video("file", new byte[0])).status());
    }

    @Test
    void tooLargeIs413BeforeTheTypeIsLookedAt() {
        assertEquals(413, assertThrows(ApiError.class, () -> check.image("input_reference", new byte[101])).status());
    }
}
