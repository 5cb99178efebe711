package dev.drover.console.history;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One section's data, or why there is none: each section of the history page asks the API on its own, so a
 * history database that is down empties the sections, not the page.
 */
public sealed interface Part {
    record Ok(JsonNode data) implements Part {
    }

    record Failed(int status, String code, String message) implements Part {
    }
}
