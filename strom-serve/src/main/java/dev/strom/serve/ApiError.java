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

    public ApiError(int status, String type, String code, String param, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
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
        return new ApiError(429, "requests", "rate_limit_exceeded", null,
                "The job queue is full (" + limit + " videos queued or in progress); retry later.");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
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
