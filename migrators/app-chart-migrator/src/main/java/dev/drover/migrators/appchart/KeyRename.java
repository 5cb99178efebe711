package dev.drover.migrators.appchart;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A values key the new chart version renamed, e.g. {@code image.tag=image.version}. The rename stays in
 * its mapping (only the last segment changes), so the edit is the key's text alone and every comment
 * and value around it is kept.
 */
public record KeyRename(List<String> from, String to) {
    public KeyRename {
        from = List.copyOf(from);
    }

    /** Parses {@code old.path=new.path} entries separated by commas or new lines; blank means none. */
    public static List<KeyRename> parseAll(String spec) {
        List<KeyRename> renames = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return renames;
        }
        for (String entry : spec.split("[,\\n]")) {
            if (!entry.isBlank()) {
                renames.add(parse(entry.trim()));
            }
        }
        return renames;
    }

    public static KeyRename parse(String entry) {
        String[] sides = entry.split("=", -1);
        if (sides.length != 2 || sides[0].isBlank() || sides[1].isBlank()) {
            throw new IllegalArgumentException("key rename '" + entry + "' must be written old.key=new.key");
        }
        List<String> from = Arrays.asList(sides[0].trim().split("\\."));
        List<String> to = Arrays.asList(sides[1].trim().split("\\."));
        if (to.size() != 1 && !to.subList(0, to.size() - 1).equals(from.subList(0, from.size() - 1))) {
            throw new IllegalArgumentException("key rename '" + entry + "' moves the key to another mapping;"
                                                       + " only renames within the same mapping are supported (e.g. image.tag=image.version)");
        }
        return new KeyRename(from, to.getLast());
    }

    @Override
    public String toString() {
        return String.join(".", from) + "=" + (from.size() > 1 ? String.join(".", from.subList(0, from.size() - 1)) + "." : "") + to;
    }
}
