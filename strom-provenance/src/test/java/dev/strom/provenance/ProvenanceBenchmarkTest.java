package dev.strom.provenance;

import dev.strom.data.world.CaptionedWorld;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProvenanceBenchmarkTest {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void reportsEveryAttackTheQualityAndTheFalsePositives() throws Exception {
        CaptionedWorld world = new CaptionedWorld(32, 16, 8, 0);
        ProvenanceStamp stamp = ProvenanceStamp.open(SigningIdentity.Location.in(dir.resolve("signing")),
                new ContentCredentials.Generator("test", "world-32"));
        Map<String, Object> report = ProvenanceBenchmark.run(List.of(world.render(world.trainingScene(11))), 8, stamp, 3,
                dir.resolve("work"));

        Map<String, Map<String, Object>> attacks = (Map<String, Map<String, Object>>) report.get("attacks");
        assertEquals(Attack.values().length + 1, attacks.size());
        attacks.forEach((name, a) -> assertEquals("1/1", a.get("detected"), name));
        assertTrue((Double) report.get("psnr_db_marked_vs_unmarked") >= 38);
        assertEquals("1/1", report.get("manifests_valid"));
        assertEquals(3, ((Map<String, Object>) report.get("false_positives")).get("unmarked_clips"));
    }
}
