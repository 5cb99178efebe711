package dev.drover.migrators.appchart;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Helm chart version, which Helm requires to be SemVer 2. Compared by SemVer precedence: a pre-release
 * sorts before its release, build metadata is ignored. A leading {@code v} is accepted as Helm does.
 * (No SemVer library is available from the build's repositories, so this is the small careful version.)
 */
public record ChartVersion(int major, int minor, int patch, List<String> preRelease, String text)
        implements Comparable<ChartVersion> {
    private static final Pattern SEMVER = Pattern.compile(
            "v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
                    + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
                    + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");

    public ChartVersion {
        preRelease = List.copyOf(preRelease);
    }

    /** Parses {@code text}, or throws {@link IllegalArgumentException} naming it. */
    public static ChartVersion parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        Matcher m = SEMVER.matcher(trimmed);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a SemVer chart version (e.g. 1.4.0)");
        }
        List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
        return new ChartVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                                Integer.parseInt(m.group(3)), pre, trimmed);
    }

    public boolean isBelow(ChartVersion other) {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(ChartVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Integer.compare(patch, o.patch);
        }
        return c != 0 ? c : comparePreRelease(preRelease, o.preRelease);
    }

    private static int comparePreRelease(List<String> a, List<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Boolean.compare(a.isEmpty(), b.isEmpty()); // a release outranks its pre-releases
        }
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = compareIdentifier(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static int compareIdentifier(String a, String b) {
        boolean numA = a.chars().allMatch(Character::isDigit);
        boolean numB = b.chars().allMatch(Character::isDigit);
        if (numA && numB) {
            return new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b));
        }
        if (numA != numB) {
            return numA ? -1 : 1; // numeric identifiers sort before alphanumeric ones
        }
        return a.compareTo(b);
    }

    @Override
    public String toString() {
        return text;
    }
}
