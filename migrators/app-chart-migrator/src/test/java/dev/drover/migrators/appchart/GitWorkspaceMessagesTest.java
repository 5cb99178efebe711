package dev.drover.migrators.appchart;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a step's failure says when git fails: the deepest cause's message, which names what went wrong. */
class GitWorkspaceMessagesTest {
    @Test
    void theDeepestMessageIsNamedWithoutItsTrailingDotsOrSpace() {
        Exception refused = new RuntimeException("Exception caught during execution of fetch command",
                new IOException("https://git.example/gitops: cannot open git-upload-pack",
                        new IOException("Connection refused. \n")));
        assertEquals("Connection refused", GitWorkspace.rootMessage(refused));
    }

    @Test
    void aCauseWithoutAMessageKeepsTheLastMessageAboveIt() {
        Exception e = new RuntimeException("outer", new IOException("not authorized...", new IOException((String) null)));
        assertEquals("not authorized", GitWorkspace.rootMessage(e));
        assertEquals("outer", GitWorkspace.rootMessage(new RuntimeException("outer")));
    }

    @Test
    void noMessageAnywhereNamesTheExceptionsType() {
        assertEquals("IOException", GitWorkspace.rootMessage(new IOException((String) null)));
        assertEquals("IllegalStateException", GitWorkspace.rootMessage(new IllegalStateException((String) null, new IOException((String) null))));
    }
}
