package dev.strom.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each line of a batch file is a request to run or a line refused on its own, with the line number in the reason. */
class BatchInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String good(String id) {
        return "{\"custom_id\": \"" + id + "\", \"method\": \"POST\", \"url\": \"/v1/videos\", \"body\": {\"prompt\": \"a red apple\"}}";
    }

    @Test
    void goodLinesKeepTheirBodyAndBadOnesTheirReasonWhileBlankLinesArePassedOver() {
        String file = String.join("\n", good("a"), "", "{\"custom_id\": \"b\", \"method\": \"POST\"", good("a"),
                "{\"custom_id\": \"c\", \"method\": \"GET\", \"url\": \"/v1/videos\", \"body\": {}}",
                "{\"custom_id\": \"d\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", \"body\": {}}",
                "{\"method\": \"POST\", \"url\": \"/v1/videos\", \"body\": {}}",
                "{\"custom_id\": \"e\", \"method\": \"POST\", \"url\": \"/v1/videos\", \"body\": {}, \"extra\": 1}",
                "[1, 2]", good("f") + "\r", "");
        List<BatchInput.Request> lines = BatchInput.parse(JSON, file, "/v1/videos");
        assertEquals(9, lines.size());
        assertTrue(lines.get(0).valid());
        assertEquals("{\"prompt\":\"a red apple\"}", lines.get(0).body());
        assertEquals(3, lines.get(1).line(), "numbered as in the file, blank lines included");
        assertTrue(lines.get(1).errorMessage().contains("not valid JSON"), lines.get(1)::toString);
        assertNull(lines.get(1).customId());
        assertEquals("duplicate_custom_id", lines.get(2).errorCode());
        assertTrue(lines.get(3).errorMessage().contains("'method'"));
        assertTrue(lines.get(4).errorMessage().contains("'url'"));
        assertTrue(lines.get(5).errorMessage().contains("'custom_id'"));
        assertTrue(lines.get(6).errorMessage().contains("unknown field 'extra'"));
        assertTrue(lines.get(7).errorMessage().contains("JSON object"));
        assertTrue(lines.get(8).valid(), "a CRLF line ending is fine");
        assertFalse(lines.stream().skip(1).limit(7).anyMatch(BatchInput.Request::valid));
    }

    @Test
    void overlongLinesAndCustomIdsAreRefusedWithoutReadingThem() {
        String longId = "x".repeat(BatchInput.MAX_CUSTOM_ID_CHARS + 1);
        List<BatchInput.Request> lines = BatchInput.parse(JSON, good(longId) + "\n" + good("y".repeat(BatchInput.MAX_LINE_CHARS)), "/v1/videos");
        assertTrue(lines.get(0).errorMessage().contains("longer than " + BatchInput.MAX_CUSTOM_ID_CHARS), lines.get(0)::toString);
        assertTrue(lines.get(1).errorMessage().contains("longer than " + BatchInput.MAX_LINE_CHARS), lines.get(1)::toString);
    }
}
