package dev.strom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training curve keeps each step's contrasts, and a run resumes its curve from logs written before they were kept. */
class LossLogTest {

    @TempDir
    Path dir;

    @Test
    void aStepsFutureContrastIsWrittenAndReadBack() throws IOException {
        Path csv = dir.resolve("loss.csv");
        LossLog log = new LossLog();
        log.add(new LossLog.Row(0, -1.5, 6.25, 3.0, 1e-3, 12.5, 1.25, 96.5, 0.5));
        log.add(new LossLog.Row(1, -1.75, 6.0, 2.0, 1e-3, 25.0, Double.NaN, Double.NaN, Double.NaN));
        log.writeCsv(csv);
        assertTrue(Files.readString(csv).startsWith("step,loss,bits_per_dim,grad_norm,learning_rate,seconds,contrast,future,future_truth_first\n"));

        LossLog back = LossLog.read(csv, 2);
        LossLog.Row first = back.rows().get(0);
        assertEquals(96.5, first.future(), 1e-6);
        assertEquals(0.5, first.futureTruthFirst(), 1e-6);
        assertTrue(Double.isNaN(back.rows().get(1).future()), "a step without future contrast");
        assertEquals(1, LossLog.read(csv, 1).rows().size(), "rows from the resumed step on are dropped");
    }

    @Test
    void aLogWrittenBeforeTheFutureColumnsReadsThemAsMissing() throws IOException {
        Path csv = dir.resolve("old.csv");
        Files.writeString(csv, "step,loss,bits_per_dim,grad_norm,learning_rate,seconds,contrast\n"
                + "0,-9.276961,6.106126,4.820168,0.00093420,4222.515,1.893935\n");
        LossLog.Row row = LossLog.read(csv, 10).rows().get(0);
        assertEquals(1.893935, row.contrast(), 1e-6);
        assertTrue(Double.isNaN(row.future()) && Double.isNaN(row.futureTruthFirst()));
    }
}
