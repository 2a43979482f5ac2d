package dev.strom.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.strom.flow.train.TrainStep;
import dev.strom.flow.train.TrainSettings;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The causal video autoencoder the latent flow works on. */
class VideoAutoencoderTest {

    private static final AutoencoderConfig SMALL = AutoencoderConfig.of(4, 8, 4, 4, 0.1f, 1e-3f);

    private static NDArray clip(NDManager m, int frames, long seed) {
        Random rng = new Random(seed);
        float[] v = new float[frames * 3 * 16 * 16];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return m.create(v, new Shape(1, frames, 3, 16, 16));
    }

    @Test
    void aClipOfOnePlusFourKFramesBecomesOnePlusKLatentFramesAtAQuarterOfTheSize() {
        try (NDManager m = NDManager.newBaseManager()) {
            VideoAutoencoder ae = VideoAutoencoder.initialise(SMALL, 3, m, 1);
            NDArray z = ae.encode(clip(m, 9, 2));
            assertEquals(new Shape(1, 3, 4, 4, 4), z.getShape());
            assertEquals(new Shape(1, 9, 3, 16, 16), ae.decode(z).getShape());
            assertEquals(new Shape(1, 1, 4, 4, 4), ae.encode(clip(m, 1, 2)).getShape(), "a still is one latent frame");
        }
    }

    @Test
    void aClipThatDoesNotFillItsLastGroupIsRefusedWithTheLengthsThatFit() {
        try (NDManager m = NDManager.newBaseManager()) {
            VideoAutoencoder ae = VideoAutoencoder.initialise(SMALL, 3, m, 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ae.encode(clip(m, 8, 2)));
            assertTrue(e.getMessage().contains("1 + 4k frames"), e.getMessage());
        }
    }

    @Test
    void theFirstFrameIsEncodedAloneAndEachLatentFrameReadsOnlyItsOwnFrames() {
        try (NDManager m = NDManager.newBaseManager()) {
            VideoAutoencoder ae = VideoAutoencoder.initialise(SMALL, 3, m, 1);
            NDArray a = clip(m, 9, 2);
            // change frame 5 (the second group's first frame): latent frames 0 and 1 stay, 2 changes
            NDArray b = a.duplicate();
            b.set(new ai.djl.ndarray.index.NDIndex(":, 5"), clip(m, 1, 3).get(":, 0"));
            NDArray za = ae.encode(a);
            NDArray zb = ae.encode(b);
            assertArrayEquals(za.get(":, 0:2").toFloatArray(), zb.get(":, 0:2").toFloatArray(), 1e-6f);
            assertFalse(za.get(":, 2").contentEquals(zb.get(":, 2")));
            // frame 0 alone gives the same latent frame 0 as the whole clip: a still is the clip's frame 0
            assertArrayEquals(za.get(":, 0").toFloatArray(), ae.encode(a.get(":, 0:1")).get(":, 0").toFloatArray(), 1e-6f);
        }
    }

    @Test
    void decodingIsCausalInLatentFrames() {
        try (NDManager m = NDManager.newBaseManager()) {
            VideoAutoencoder ae = VideoAutoencoder.initialise(SMALL, 3, m, 1);
            NDArray z = ae.encode(clip(m, 9, 2));
            NDArray changed = z.duplicate();
            changed.set(new ai.djl.ndarray.index.NDIndex(":, 2"), z.get(":, 2").add(1f));
            NDArray x = ae.decode(z);
            NDArray y = ae.decode(changed);
            // frames 0..4 come from latent frames 0 and 1 only
            assertArrayEquals(x.get(":, 0:5").toFloatArray(), y.get(":, 0:5").toFloatArray(), 1e-6f);
            assertFalse(x.get(":, 5:9").contentEquals(y.get(":, 5:9")));
            // decoding a prefix of the latents gives the prefix of the clip: drafts can stream
            assertArrayEquals(x.get(":, 0:5").toFloatArray(), ae.decode(z.get(":, 0:2")).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void normalisationStatisticsMapTheRawLatentsToUnitScaleAndBack() {
        try (NDManager m = NDManager.newBaseManager()) {
            VideoAutoencoder plain = VideoAutoencoder.initialise(SMALL, 3, m, 1);
            NDArray x = clip(m, 5, 4);
            NDArray raw = plain.encodeRaw(x);
            float[] mean = {0.5f, -1f, 0f, 2f};
            float[] std = {2f, 0.5f, 1f, 4f};
            VideoAutoencoder scaled = plain.withStatistics(mean, std);
            NDArray z = scaled.encode(x);
            assertEquals((raw.get(":, :, 3").getFloat(0, 0, 0, 0) - 2f) / 4f, z.get(":, :, 3").getFloat(0, 0, 0, 0), 1e-5f);
            assertArrayEquals(plain.decode(raw).toFloatArray(), scaled.decode(z).toFloatArray(), 1e-4f);
        }
    }

    @Test
    void trainingLowersTheReconstructionError() {
        try (NDManager m = NDManager.newBaseManager()) {
            VideoAutoencoder ae = VideoAutoencoder.initialise(SMALL, 3, m, 1);
            // a smooth clip: a bright square moving right over a dark background
            float[] v = new float[5 * 3 * 16 * 16];
            for (int t = 0; t < 5; t++) {
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < 16; y++) {
                        for (int x = 0; x < 16; x++) {
                            boolean in = y >= 5 && y < 11 && x >= 2 + t && x < 8 + t;
                            v[((t * 3 + c) * 16 + y) * 16 + x] = in ? 0.8f : -0.6f;
                        }
                    }
                }
            }
            NDArray x = m.create(v, new Shape(1, 5, 3, 16, 16));
            // the trainer's own step: AdamW, warm-up and cosine, gradient clipping
            TrainStep step = new TrainStep(ae.parameters().all(), TrainSettings.starflow(1e-3f, 1, 200));
            Random rng = new Random(5);
            double[] first = new double[1];
            double[] last = new double[1];
            for (int s = 0; s < 200; s++) {
                double[] out = s == 0 ? first : last;
                step.run(() -> ae.loss(x, rng, out));
            }
            assertTrue(last[0] < first[0] / 2, "reconstruction error " + first[0] + " -> " + last[0]);
        }
    }
}
