package dev.drover.contract.model;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Drover's input rules, applied in the records' constructors so an invalid migration or candidate
 * cannot exist in memory, whether it came from HTTP, an event or Redis.
 */
public final class Check {
    /** Lower-case letters, digits and inner '-', '.', '_': safe in URLs, Redis keys and Kubernetes labels. */
    public static final Pattern SLUG = Pattern.compile("[a-z0-9]([a-z0-9._-]*[a-z0-9])?");
    public static final int SLUG_MAX = 100;
    /** The start of a slug (a search by id prefix): it may end in '-', '.' or '_'. */
    public static final Pattern SLUG_PREFIX = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    /** Metadata keys travel in query strings ({@code meta.<key>=}) so they keep to a URL-safe alphabet. */
    public static final Pattern META_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]*");
    public static final int META_KEY_MAX = 128;
    public static final int META_VALUE_MAX = 4096;
    public static final int META_ENTRIES_MAX = 64;
    public static final int NAME_MAX = 200;
    public static final int TEXT_MAX = 10_000;
    public static final int LIST_MAX = 1000;

    private Check() {
    }

    public static String slug(String field, String value) {
        present(field, value);
        if (value.length() > SLUG_MAX || !SLUG.matcher(value).matches()) {
            throw new InvalidInput(field + " must be a slug (lower-case letters, digits and inner '-', '.', '_'; at most "
                                           + SLUG_MAX + " characters), got '" + abbreviate(value) + "'");
        }
        return value;
    }

    /** An input's name: also a metadata key (inputs apply over a candidate's metadata), so its alphabet, e.g. {@code repoName}. */
    public static final Pattern INPUT_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");

    public static String inputName(String field, String value) {
        present(field, value);
        if (value.length() > SLUG_MAX || !INPUT_NAME.matcher(value).matches()) {
            throw new InvalidInput(field + " must be letters, digits and inner '-', '.', '_' (at most " + SLUG_MAX
                                           + " characters), got '" + abbreviate(value) + "'");
        }
        return value;
    }

    public static String text(String field, String value, int max) {
        present(field, value);
        if (value.isBlank()) {
            throw new InvalidInput(field + " must not be blank");
        }
        return optionalText(field, value, max);
    }

    public static String optionalText(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new InvalidInput(field + " must be at most " + max + " characters");
        }
        return value == null ? "" : value;
    }

    /** An absolute http(s) URL, or empty. */
    public static String optionalHttpUrl(String field, String value) {
        String url = optionalText(field, value, 2000);
        if (url.isEmpty()) {
            return url;
        }
        try {
            java.net.URI uri = new java.net.URI(url);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return url;
            }
        } catch (java.net.URISyntaxException ignored) {
            // answered below
        }
        throw new InvalidInput(field + " must be an absolute http or https URL, got '" + abbreviate(url) + "'");
    }

    public static <T> List<T> list(String field, List<T> value, int max) {
        if (value == null) {
            return List.of();
        }
        if (value.size() > max) {
            throw new InvalidInput(field + " must have at most " + max + " entries");
        }
        for (int i = 0; i < value.size(); i++) {
            if (value.get(i) == null) {
                throw new InvalidInput(field + "[" + i + "] must not be null");
            }
        }
        return List.copyOf(value);
    }

    public static Map<String, String> metadata(String field, Map<String, String> value) {
        if (value == null) {
            return Map.of();
        }
        if (value.size() > META_ENTRIES_MAX) {
            throw new InvalidInput(field + " must have at most " + META_ENTRIES_MAX + " entries");
        }
        value.forEach((k, v) -> {
            if (k.length() > META_KEY_MAX || !META_KEY.matcher(k).matches()) {
                throw new InvalidInput(field + " key '" + abbreviate(k) + "' must match " + META_KEY.pattern()
                                               + " and be at most " + META_KEY_MAX + " characters");
            }
            if (v == null) {
                throw new InvalidInput(field + "." + k + " must be a string, not null");
            }
            if (v.length() > META_VALUE_MAX) {
                throw new InvalidInput(field + "." + k + " must be at most " + META_VALUE_MAX + " characters");
            }
        });
        return Map.copyOf(value);
    }

    public static void unique(String field, List<String> names) {
        var seen = new java.util.HashSet<String>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new InvalidInput(field + " has '" + name + "' twice");
            }
        }
    }

    private static void present(String field, Object value) {
        if (value == null) {
            throw new InvalidInput(field + " is required");
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 60 ? value : value.substring(0, 57) + "...";
    }
}
