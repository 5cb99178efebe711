package dev.drover.core.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HtmlTest {
    @Test
    void nothingInEscapedTextCanOpenATagOrEndAQuote() {
        assertEquals("&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;",
                     Html.escape("<script>alert(\"x\" & 'y')</script>"));
        assertEquals("plain text, ü", Html.escape("plain text, ü"));
    }
}
