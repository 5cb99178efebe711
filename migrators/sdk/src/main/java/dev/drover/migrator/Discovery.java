package dev.drover.migrator;

import dev.drover.contract.model.DiscoveredCandidate;

import java.util.List;

/**
 * Scans the migrator's source of truth and returns every candidate it finds, each time in full: the
 * platform merges, so returning a candidate again is safe and dropping one is not a removal.
 */
@FunctionalInterface
public interface Discovery {
    List<DiscoveredCandidate> discover() throws Exception;
}
