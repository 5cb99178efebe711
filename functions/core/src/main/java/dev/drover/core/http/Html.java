package dev.drover.core.http;

/** Text in HTML: the few pages written by hand (the development issuer's sign-in, the console's sign-in errors). */
public final class Html {
    private Html() {
    }

    /** {@code text} as element content or a quoted attribute value: nothing in it can open a tag or end a quote. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
