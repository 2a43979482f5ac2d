package dev.strom.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the API refuses, with the HTTP status and the body OpenAI's SDKs turn into typed exceptions:
 * {@code {"error": {"message", "type", "param", "code"}}}.
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    /** Seconds a client should wait before retrying (the Retry-After header), 0 for none. */
    private final int retryAfter;

    public ApiError(int status, String type, String code, String param, String message) {
        this(status, type, code, param, message, 0);
    }

    private ApiError(int status, String type, String code, String param, String message, int retryAfter) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfter = retryAfter;
    }

    public static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", "invalid_value", param, message);
    }

    public static ApiError missing(String param) {
        return new ApiError(400, "invalid_request_error", "missing_required_parameter", param,
                "Missing required parameter: '" + param + "'.");
    }

    /** A mode or option this engine cannot do yet: a clear refusal instead of a silent substitute. */
    public static ApiError unsupported(String param, String message) {
        return new ApiError(400, "invalid_request_error", "unsupported", param, message);
    }

    public static ApiError notFound(String id) {
        return new ApiError(404, "invalid_request_error", "not_found", null, "Video with id '" + id + "' not found.");
    }

    public static ApiError unauthorized(String message) {
        return new ApiError(401, "invalid_request_error", "invalid_api_key", null, message);
    }

    public static ApiError tooLarge(String message) {
        return new ApiError(413, "invalid_request_error", "request_too_large", null, message);
    }

    public static ApiError queueFull(int limit) {
        return busy("The job queue is full (" + limit + " videos queued or in progress); retry later.", 30);
    }

    /** Too much at once (a full queue, too many uploads or scorings in flight): 429, retry after the given seconds. */
    public static ApiError busy(String message, int retryAfterSeconds) {
        return new ApiError(429, "requests", "rate_limit_exceeded", null, message, retryAfterSeconds);
    }

    /** A request body that arrived too slowly and was cut off. */
    public static ApiError tooSlow(String message) {
        return new ApiError(408, "invalid_request_error", "request_timeout", null, message);
    }

    /**
     * The server's own failure (a disk error, a bug), said without its details: they (paths included) go to the
     * server's log, not to the client.
     */
    public static ApiError serverError() {
        return new ApiError(500, "server_error", "server_error", null, "The server had an error while processing the request.");
    }

    /** The data directory's disk is full (or its quota spent). */
    public static ApiError outOfStorage() {
        return new ApiError(507, "server_error", "insufficient_storage", null,
                "The server has no storage space left for this request; retry later.", 60);
    }

    public int status() {
        return status;
    }

    /**
     * What the client hears of a failure of the server's own: 507 when a disk is full, else a plain 500; never the
     * exception's message, which names the server's paths.
     */
    public static ApiError forFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
                return outOfStorage();
            }
        }
        return serverError();
    }

    public String code() {
        return code;
    }

    public int retryAfter() {
        return retryAfter;
    }

    public ObjectNode body(ObjectMapper json) {
        ObjectNode root = json.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }
}
