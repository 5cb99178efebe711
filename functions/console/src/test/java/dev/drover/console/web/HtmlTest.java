package dev.drover.console.web;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What reaches the page is text unless the code wrote it: the escaping every page relies on. */
class HtmlTest {
    @Test
    void textAndAttributeValuesAreEscaped() {
        String hostile = "\"><script>alert('x')</script>&";
        String html = new Html().element("td", hostile, "title", hostile, "data-x", "plain").toString();
        assertEquals("<td title=\"&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;\" data-x=\"plain\">"
                             + "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</td>", html);
    }

    @Test
    void aNullAttributeIsLeftOutAndAnEmptyOneIsBare() {
        assertEquals("<input type=\"checkbox\" checked>", new Html().empty("input", "type", "checkbox", "checked", "", "id", null).toString());
    }

    @Test
    void namesCannotCarryMarkup() {
        assertThrows(IllegalArgumentException.class, () -> new Html().open("td onclick=alert(1)"));
        assertThrows(IllegalArgumentException.class, () -> new Html().open("td", "x\" onclick=\"y", "v"));
        assertThrows(IllegalArgumentException.class, () -> new Html().open("td", "odd"));
    }

    @Test
    void onlyHttpUrlsBecomeLinks() {
        assertEquals(Optional.of("https://git.example/pr/1"), Html.externalHref("https://git.example/pr/1"));
        assertEquals(Optional.of("http://localhost:8091/local-git/changes/1"), Html.externalHref("http://localhost:8091/local-git/changes/1"));
        for (String bad : new String[]{"javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "data:text/html,<b>x</b>",
                                       "//evil.example/x", "/relative", "not a url", "", null}) {
            assertEquals(Optional.empty(), Html.externalHref(bad), String.valueOf(bad));
        }
    }

    @Test
    void consoleUrlsEncodeTheirParts() {
        assertEquals("/console/migrations/a%20b/candidates/c%2Fd", Urls.candidate("a b", "c/d"));
        assertEquals("/console/migrations/m?meta=team%3Dx%20y&q=a%26b",
                     Urls.withQuery("/console/migrations/m", java.util.List.of(java.util.Map.entry("meta", "team=x y"),
                                                                               java.util.Map.entry("status", ""),
                                                                               java.util.Map.entry("q", "a&b"))));
    }
}
