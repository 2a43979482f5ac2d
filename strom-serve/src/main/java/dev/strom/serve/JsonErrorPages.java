package dev.strom.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Requests Jetty refuses before they reach a route (bad URIs, bad headers) get the API's JSON error body too. */
final class JsonErrorPages extends ErrorHandler {

    private final ObjectMapper json;

    JsonErrorPages(ObjectMapper json) {
        this.json = json;
    }

    private String body(int status, String message) throws IOException {
        String text = message == null || message.isBlank() ? "The request could not be processed." : message;
        return json.writeValueAsString(new ApiError(status, status >= 500 ? "server_error" : "invalid_request_error",
                null, null, text).body(json));
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        try {
            return ByteBuffer.wrap(body(status, reason).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return super.badMessageError(status, reason, fields);
        }
    }

    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request, HttpServletResponse response,
                                              int code, String message) throws IOException {
        response.setContentType("application/json");
        response.getOutputStream().write(body(code, message).getBytes(StandardCharsets.UTF_8));
        baseRequest.setHandled(true);
    }
}
