package dev.strom.store.reference;

/** One stored tensor against ours: the error measure, the tolerance it must meet, and what kind it is. */
public record Comparison(String name, double error, double tolerance, String measure) {

    public boolean passed() {
        return error <= tolerance;
    }

    @Override
    public String toString() {
        return String.format("%-52s %-12s %.3e  (tol %.0e)  %s", name, measure, error, tolerance, passed() ? "ok" : "FAIL");
    }
}
