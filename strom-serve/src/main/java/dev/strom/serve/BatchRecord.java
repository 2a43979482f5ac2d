package dev.strom.serve;

/**
 * One batch as stored. {@code status} is "in_progress" or "cancelling" while its videos run, then "completed" or
 * "cancelled"; the counts are kept when it ends (while it runs they come from its videos, see {@link BatchStore#counts}).
 * Times are Unix seconds except {@code createdMillis}; {@code metadata} is the client's JSON object as text, or null.
 */
record BatchRecord(String id, String project, long createdMillis, String endpoint, String inputFileId, String status,
                   int total, String outputFileId, String errorFileId, Long inProgressAt, Long expiresAt,
                   Long finalizingAt, Long completedAt, Long cancellingAt, Long cancelledAt, Integer completedCount,
                   Integer failedCount, String metadata) {

    static final String IN_PROGRESS = "in_progress";
    static final String CANCELLING = "cancelling";
    static final String COMPLETED = "completed";
    static final String CANCELLED = "cancelled";

    boolean running() {
        return IN_PROGRESS.equals(status) || CANCELLING.equals(status);
    }
}
