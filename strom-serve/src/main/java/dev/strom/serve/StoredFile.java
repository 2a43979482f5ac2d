package dev.strom.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One file of the Files API: a batch's input uploaded by a client, or a batch's output or error file. */
record StoredFile(String id, String project, long createdMillis, long bytes, String filename, String purpose) {

    static final String BATCH = "batch";
    static final String BATCH_OUTPUT = "batch_output";

    /** OpenAI's file object; files are kept whole when stored, so their status is always "processed". */
    ObjectNode toApi(ObjectMapper json) {
        ObjectNode f = json.createObjectNode();
        f.put("id", id);
        f.put("object", "file");
        f.put("bytes", bytes);
        f.put("created_at", createdMillis / 1000);
        f.putNull("expires_at");
        f.put("filename", filename);
        f.put("purpose", purpose);
        f.put("status", "processed");
        f.putNull("status_details");
        return f;
    }
}
