package dev.drover.console.web;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * HTML built in code, escaped by default: text and attribute values always go through {@link #escape}; tag and
 * attribute names are the code's own constants and must look like names (SVG's are camelCase: {@code viewBox}). Nothing else reaches the page, so ids,
 * metadata and messages that migrators and discovery wrote (untrusted, like every event's content) stay text.
 *
 * <pre>{@code
 * Html h = new Html();
 * h.open("tr", "id", "row-" + id).element("td", id).close("tr");
 * }</pre>
 */
public final class Html {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9-]*");

    private final StringBuilder out = new StringBuilder(256);

    /** Escapes {@code & < > " '}: safe as element text and inside a double- or single-quoted attribute value. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (replacement != null && escaped == null) {
                escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (escaped != null) {
                if (replacement != null) {
                    escaped.append(replacement);
                } else {
                    escaped.append(c);
                }
            }
        }
        return escaped == null ? text : escaped.toString();
    }

    /**
     * A link to somewhere else that is safe to put in {@code href}: only absolute http(s) URLs, so a
     * {@code javascript:} or {@code data:} URL from a migrator's metadata never becomes a link.
     */
    public static Optional<String> externalHref(String url) {
        if (url == null || url.isBlank() || url.length() > 2048) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return Optional.of(uri.toASCIIString());
            }
        } catch (java.net.URISyntaxException e) {
            // not a URL: shown as text, never linked
        }
        return Optional.empty();
    }

    /** {@code <tag a="v" ...>}; attributes are name, value pairs; a null value leaves the attribute out, "" writes it bare. */
    public Html open(String tag, String... attributes) {
        out.append('<').append(name(tag));
        attributes(attributes);
        out.append('>');
        return this;
    }

    /** An element without content or end tag ({@code input}, {@code meta}, {@code link}). */
    public Html empty(String tag, String... attributes) {
        return open(tag, attributes);
    }

    public Html close(String tag) {
        out.append("</").append(name(tag)).append('>');
        return this;
    }

    /** {@code <tag ...>text</tag>}. */
    public Html element(String tag, Object text, String... attributes) {
        return open(tag, attributes).text(text).close(tag);
    }

    public Html text(Object text) {
        out.append(escape(text == null ? "" : text.toString()));
        return this;
    }

    /** Another fragment built the same way (already escaped). */
    public Html add(Html fragment) {
        out.append(fragment.out);
        return this;
    }

    /** Markup the code wrote itself: a constant, never anything that came in a request or from the API. */
    public Html trusted(String markup) {
        out.append(markup);
        return this;
    }

    private void attributes(String[] attributes) {
        if (attributes.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name, value pairs");
        }
        for (int i = 0; i < attributes.length; i += 2) {
            String value = attributes[i + 1];
            if (value == null) {
                continue;
            }
            out.append(' ').append(name(attributes[i]));
            if (!value.isEmpty()) {
                out.append("=\"").append(escape(value)).append('"');
            }
        }
    }

    private static String name(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a tag or attribute name: " + name);
        }
        return name;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
