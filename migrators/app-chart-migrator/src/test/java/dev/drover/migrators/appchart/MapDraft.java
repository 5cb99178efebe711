package dev.drover.migrators.appchart;

import dev.drover.migrator.Draft;
import dev.drover.migrator.FileSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A dry-run draft for tests: writes kept in memory over a file source; a deleted file reads as absent. */
final class MapDraft implements Draft {
    private final FileSource source;
    private final Map<String, Optional<String>> written = new LinkedHashMap<>();

    MapDraft(FileSource source) {
        this.source = source;
    }

    @Override
    public Optional<String> read(String path) throws Exception {
        return written.containsKey(path) ? written.get(path) : source.read(path);
    }

    @Override
    public void write(String path, String content) {
        written.put(path, Optional.of(content));
    }

    @Override
    public void delete(String path) {
        written.put(path, Optional.empty());
    }

    Map<String, Optional<String>> written() {
        return written;
    }
}
