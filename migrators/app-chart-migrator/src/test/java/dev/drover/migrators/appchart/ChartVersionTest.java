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

    /** semver.org §11: each version is below the next, and the next is not below it. */
    @Test
    void followsTheSemverPrecedenceExamplesInBothDirections() {
        List<String> ascending = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                                         "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1");
        for (int i = 0; i + 1 < ascending.size(); i++) {
            ChartVersion lower = ChartVersion.parse(ascending.get(i));
            ChartVersion higher = ChartVersion.parse(ascending.get(i + 1));
            assertTrue(lower.isBelow(higher), lower + " is below " + higher);
            assertFalse(higher.isBelow(lower), higher + " is not below " + lower);
            assertTrue(higher.compareTo(lower) > 0, higher + " sorts after " + lower);
        }
    }

    @Test
    void aBumpFromOnePreReleaseToTheNextIsSeenAsAnUpgrade() {
        // an app on 2.0.0-beta.2 must be a candidate when the target is 2.0.0-rc.1, and stop being one once there
        assertTrue(ChartVersion.parse("2.0.0-beta.2").isBelow(ChartVersion.parse("2.0.0-rc.1")));
        assertFalse(ChartVersion.parse("2.0.0-rc.1").isBelow(ChartVersion.parse("2.0.0-rc.1")));
        // equal prefix: the shorter set of identifiers comes first (rc before rc.1)
        assertTrue(ChartVersion.parse("2.0.0-rc").isBelow(ChartVersion.parse("2.0.0-rc.1")));
        assertFalse(ChartVersion.parse("2.0.0-rc.1").isBelow(ChartVersion.parse("2.0.0-rc")));
        // numeric identifiers compare as numbers of any size, and before alphanumeric ones
        assertTrue(ChartVersion.parse("2.0.0-rc.9").isBelow(ChartVersion.parse("2.0.0-rc.18446744073709551616")));
        assertTrue(ChartVersion.parse("2.0.0-1").isBelow(ChartVersion.parse("2.0.0-alpha")));
        assertFalse(ChartVersion.parse("2.0.0-alpha").isBelow(ChartVersion.parse("2.0.0-1")));
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
