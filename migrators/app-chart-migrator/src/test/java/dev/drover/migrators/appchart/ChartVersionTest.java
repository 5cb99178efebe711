package dev.drover.migrators.appchart;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartVersionTest {
    @Test
    void ordersBySemverPrecedenceNotText() {
        List<String> sorted = List.of("1.10.0", "1.2.0", "2.0.0", "2.0.0-rc.1", "1.9.1", "2.0.0-alpha", "2.0.0-rc.10", "2.0.0-rc.2", "0.9.0")
                .stream().map(ChartVersion::parse).sorted().map(ChartVersion::text).toList();
        assertEquals(List.of("0.9.0", "1.2.0", "1.9.1", "1.10.0", "2.0.0-alpha", "2.0.0-rc.1", "2.0.0-rc.2", "2.0.0-rc.10", "2.0.0"), sorted);
    }

    @Test
    void buildMetadataAndLeadingVDoNotChangePrecedence() {
        assertEquals(0, ChartVersion.parse("v2.0.0").compareTo(ChartVersion.parse("2.0.0+build.7")));
        assertFalse(ChartVersion.parse("2.0.0+build.7").isBelow(ChartVersion.parse("2.0.0")));
        assertTrue(ChartVersion.parse("1.99.99").isBelow(ChartVersion.parse("2.0.0")));
    }

    @Test
    void refusesWhatIsNotSemverNamingIt() {
        var e = assertThrows(IllegalArgumentException.class, () -> ChartVersion.parse("1.2"));
        assertTrue(e.getMessage().contains("'1.2'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChartVersion.parse("01.2.3"));
        assertThrows(IllegalArgumentException.class, () -> ChartVersion.parse("latest"));
    }
}
