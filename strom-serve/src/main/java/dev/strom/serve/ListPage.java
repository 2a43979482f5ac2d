package dev.strom.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

import java.util.List;
import java.util.function.Function;

/**
 * OpenAI's cursor lists, shared by videos, files and batches: the {@code limit} and {@code order} query
 * parameters, and the page object ({@code data}, {@code first_id}, {@code last_id}, {@code has_more}) made from
 * rows fetched one past the limit.
 */
final class ListPage {

    private ListPage() {
    }

    /** A whole-number query parameter within [min, max], or the fallback when it is absent. */
    static int queryInt(Context ctx, String name, int fallback, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiError.invalid(name, "'" + name + "' must be a whole number from " + min + " to " + max);
    }

    /** Whether {@code order=asc} was asked (the default is newest first); anything but asc or desc is a 400. */
    static boolean ascending(Context ctx) {
        String order = ctx.queryParam("order");
        if (order != null && !order.equals("asc") && !order.equals("desc")) {
            throw ApiError.invalid("order", "order must be asc or desc");
        }
        return "asc".equals(order);
    }

    /** The list object for rows fetched up to one past {@code limit} (the one more says there are more). */
    static <T> ObjectNode of(ObjectMapper json, List<T> rows, int limit, Function<T, JsonNode> toApi, Function<T, String> id) {
        boolean more = rows.size() > limit;
        List<T> data = more ? rows.subList(0, limit) : rows;
        ObjectNode out = json.createObjectNode();
        out.put("object", "list");
        ArrayNode items = out.putArray("data");
        data.forEach(row -> items.add(toApi.apply(row)));
        out.put("first_id", data.isEmpty() ? null : id.apply(data.get(0)));
        out.put("last_id", data.isEmpty() ? null : id.apply(data.get(data.size() - 1)));
        out.put("has_more", more);
        return out;
    }
}
