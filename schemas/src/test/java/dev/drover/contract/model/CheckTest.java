package dev.drover.contract.model;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The input rules every side applies: ids become keys, branch names and paths, so only slugs pass; metadata and texts
 * are bounded; every refusal names the field and what it must be.
 */
class CheckTest {
    private static String refused(org.junit.jupiter.api.function.Executable check) {
        return assertThrows(InvalidInput.class, check).getMessage();
    }

    @Test
    void aSlugIsLowerCaseLettersDigitsAndInnerSeparatorsUpToItsLength() {
        for (String ok : List.of("a", "checkout", "project-01", "v2.orders", "a_b", "9", "a".repeat(Check.SLUG_MAX))) {
            assertEquals(ok, Check.slug("id", ok));
        }
        for (String bad : List.of("", "-a", "a-", ".a", "a.", "A", "a/b", "../x", "a b", "a\u0000", "é", "a".repeat(Check.SLUG_MAX + 1))) {
            String message = refused(() -> Check.slug("candidate.id", bad));
            assertTrue(message.startsWith("candidate.id must be a slug"), message);
        }
        assertEquals("id is required", refused(() -> Check.slug("id", null)));
    }

    @Test
    void anInputNameMayHaveCapitalsLikeAMetadataKey() {
        assertEquals("repoName", Check.inputName("name", "repoName"));
        assertEquals("target-version", Check.inputName("name", "target-version"));
        refused(() -> Check.inputName("name", "-x"));
        refused(() -> Check.inputName("name", "a b"));
    }

    @Test
    void textsAreRequiredNotBlankAndBounded() {
        assertEquals("x", Check.text("name", "x", 1));
        assertEquals("name must not be blank", refused(() -> Check.text("name", "  ", 10)));
        assertEquals("name must be at most 3 characters", refused(() -> Check.text("name", "abcd", 3)));
        assertEquals("", Check.optionalText("message", null, 3));
        assertEquals("abc", Check.optionalText("message", "abc", 3));
    }

    @Test
    void aUrlIsAnAbsoluteHttpOrHttpsUrlOrNothing() {
        assertEquals("", Check.optionalHttpUrl("migratorUrl", null));
        assertEquals("https://m.example/x", Check.optionalHttpUrl("migratorUrl", "https://m.example/x"));
        assertEquals("http://127.0.0.1:9000", Check.optionalHttpUrl("migratorUrl", "http://127.0.0.1:9000"));
        for (String bad : List.of("ftp://m.example", "/relative", "http://", "javascript:alert(1)", "http://a b")) {
            String message = refused(() -> Check.optionalHttpUrl("migratorUrl", bad));
            assertTrue(message.startsWith("migratorUrl must be an absolute http or https URL"), message);
        }
    }

    @Test
    void metadataIsBoundedInEntriesKeysAndValuesAndHoldsNoNull() {
        assertEquals(Map.of(), Check.metadata("metadata", null));
        assertEquals(Map.of("team", "payments", "app.kubernetes.io/name", "x"),
                     Check.metadata("metadata", Map.of("team", "payments", "app.kubernetes.io/name", "x")));
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= Check.META_ENTRIES_MAX; i++) {
            many.put("k" + i, "v");
        }
        assertEquals("metadata must have at most " + Check.META_ENTRIES_MAX + " entries", refused(() -> Check.metadata("metadata", many)));
        refused(() -> Check.metadata("metadata", Map.of("bad key", "v")));
        refused(() -> Check.metadata("metadata", Map.of("k".repeat(Check.META_KEY_MAX + 1), "v")));
        assertEquals("metadata.k must be at most " + Check.META_VALUE_MAX + " characters",
                     refused(() -> Check.metadata("metadata", Map.of("k", "v".repeat(Check.META_VALUE_MAX + 1)))));
        Map<String, String> withNull = new HashMap<>();
        withNull.put("k", null);
        assertEquals("metadata.k must be a string, not null", refused(() -> Check.metadata("metadata", withNull)));
    }

    @Test
    void listsAreBoundedAndHoldNoNullAndNamesAreUnique() {
        assertEquals(List.of(), Check.list("steps", null, 2));
        assertEquals(List.of("a", "b"), Check.list("steps", List.of("a", "b"), 2));
        assertEquals("steps must have at most 2 entries", refused(() -> Check.list("steps", List.of("a", "b", "c"), 2)));
        assertEquals("steps[1] must not be null", refused(() -> Check.list("steps", Arrays.asList("a", null), 2)));
        Check.unique("steps", List.of("a", "b"));
        assertEquals("steps has 'a' twice", refused(() -> Check.unique("steps", List.of("a", "b", "a"))));
    }
}
