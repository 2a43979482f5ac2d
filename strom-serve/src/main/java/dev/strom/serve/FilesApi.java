package dev.strom.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * OpenAI's Files API as far as batches need it: upload a JSONL file with purpose "batch", retrieve, list, download
 * and delete. A file belongs to the project of the key that uploaded it (a batch's result files to the batch's).
 */
final class FilesApi {

    private static final Set<String> UPLOAD = Set.of("file", "purpose");

    private final ObjectMapper json;
    private final FileStore store;
    private final RequestForm.Reader forms;

    FilesApi(FileStore store, RequestForm.Reader forms) {
        this.json = forms.json();
        this.store = store;
        this.forms = forms;
    }

    void routes(Javalin app) {
        app.post("/v1/files", this::upload);
        app.get("/v1/files", this::list);
        app.get("/v1/files/{id}", ctx -> ctx.json(find(ctx).toApi(json)));
        app.get("/v1/files/{id}/content", this::content);
        app.delete("/v1/files/{id}", this::delete);
    }

    private void upload(Context ctx) throws IOException {
        RequestForm form = forms.read(ctx, UPLOAD);
        String purpose = form.requiredText("purpose", 32);
        if (!purpose.equals(StoredFile.BATCH)) {
            throw ApiError.unsupported("purpose", "This server keeps files for batches only: purpose must be 'batch', not '" + purpose + "'.");
        }
        byte[] content = form.file("file");
        if (content == null) {
            throw form.has("file") ? ApiError.invalid("file", "'file' must be an uploaded file.") : ApiError.missing("file");
        }
        checkJsonl(content);
        ctx.json(store.save(ApiKeys.project(ctx), filename(form.fileName("file")), purpose, content).toApi(json));
    }

    /**
     * A batch input is JSON Lines text: refused here when it is empty, not UTF-8 or has more lines than a batch takes.
     * Each line's own shape is checked when a batch is made from the file, so a bad line fails alone.
     */
    private static void checkJsonl(byte[] content) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw ApiError.invalid("file", "A batch file must be JSON Lines in UTF-8; this file is not UTF-8 text.");
        }
        List<String> lines = BatchInput.lines(text);
        if (lines.isEmpty()) {
            throw ApiError.invalid("file", "The batch file holds no requests (one JSON object per line).");
        }
        if (lines.size() > BatchInput.MAX_REQUESTS) {
            throw ApiError.invalid("file", "A batch file holds at most " + BatchInput.MAX_REQUESTS + " requests; this one has "
                    + lines.size() + " lines.");
        }
    }

    /** The client's file name without any folders, at most 255 characters; "upload.jsonl" when none was given. */
    private static String filename(String given) {
        if (given == null || given.isBlank()) {
            return "upload.jsonl";
        }
        String name = given.substring(Math.max(given.lastIndexOf('/'), given.lastIndexOf('\\')) + 1).strip();
        name = name.isEmpty() ? "upload.jsonl" : name;
        return name.length() > 255 ? name.substring(0, 255) : name;
    }

    private void list(Context ctx) {
        int limit = ListPage.queryInt(ctx, "limit", 10_000, 1, 10_000);
        boolean ascending = ListPage.ascending(ctx);
        String project = ApiKeys.project(ctx);
        StoredFile after = null;
        if (ctx.queryParam("after") != null) {
            String id = ctx.queryParam("after");
            after = store.find(ObjectIds.FILE.parse(id), project)
                    .orElseThrow(() -> ApiError.invalid("after", "'after' must be the id of a listed file"));
        }
        List<StoredFile> page = store.page(project, ctx.queryParam("purpose"), after, limit, ascending);
        ctx.json(ListPage.of(json, page, limit, f -> f.toApi(json), StoredFile::id));
    }

    private void content(Context ctx) throws IOException {
        StoredFile file = find(ctx);
        // whole (a batch file is at most the upload limit): Javalin may compress it, so no length is declared by hand
        ctx.contentType("application/jsonl");
        ctx.result(store.content(file));
    }

    private void delete(Context ctx) throws IOException {
        StoredFile file = find(ctx);
        if (!store.delete(file.id(), file.project())) {
            throw ObjectIds.FILE.notFound(file.id());
        }
        ObjectNode out = json.createObjectNode();
        out.put("id", file.id());
        out.put("object", "file");
        out.put("deleted", true);
        ctx.json(out);
    }

    /** The path's file, if the request's project owns it: another project's is "not found", as if it did not exist. */
    private StoredFile find(Context ctx) {
        String id = ObjectIds.FILE.parse(ctx.pathParam("id"));
        return store.find(id, ApiKeys.project(ctx)).orElseThrow(() -> ObjectIds.FILE.notFound(id));
    }
}
