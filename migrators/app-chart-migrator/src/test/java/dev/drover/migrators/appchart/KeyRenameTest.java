package dev.drover.migrators.appchart;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The key renames an operator configures ({@code KEY_RENAMES}), as parsed and as written back in commits and dry-runs. */
class KeyRenameTest {
    @Test
    void renamesAreSeparatedByCommasOrNewLinesAndWrittenBackAsGiven() {
        List<KeyRename> renames = KeyRename.parseAll(" image.tag=image.version ,\nservice.port=service.httpPort\n\n");
        assertEquals(List.of("image.tag=image.version", "service.port=service.httpPort"), renames.stream().map(KeyRename::toString).toList());
        assertEquals(List.of(List.of("image", "tag"), List.of("service", "port")), renames.stream().map(KeyRename::from).toList());
        assertEquals(List.of("version", "httpPort"), renames.stream().map(KeyRename::to).toList());
    }

    @Test
    void aTopLevelKeyAndANewNameAloneAreRenamesToo() {
        assertEquals("tag=version", KeyRename.parse("tag=version").toString());
        assertEquals("image.tag=image.version", KeyRename.parse("image.tag=version").toString(), "the new name alone stays in the mapping");
    }

    @Test
    void blankMeansNone() {
        assertEquals(List.of(), KeyRename.parseAll(null));
        assertEquals(List.of(), KeyRename.parseAll(" \n"));
    }

    @Test
    void aRenameThatIsNotOneOrMovesTheKeyIsRefusedNamingIt() {
        for (String entry : List.of("image.tag", "=version", "image.tag=", "a=b=c")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyRename.parse(entry));
            assertEquals("key rename '" + entry + "' must be written old.key=new.key", e.getMessage());
        }
        IllegalArgumentException moved = assertThrows(IllegalArgumentException.class, () -> KeyRename.parseAll("image.tag=release.version"));
        assertEquals("key rename 'image.tag=release.version' moves the key to another mapping; only renames within the same mapping "
                             + "are supported (e.g. image.tag=image.version)", moved.getMessage());
    }
}
