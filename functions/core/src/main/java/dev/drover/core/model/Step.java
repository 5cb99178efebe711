package dev.drover.core.model;

import java.util.Map;

/**
 * One step of a migration: executed by the migrator app it names. The platform never interprets
 * {@code type} or {@code config}; they belong to the migrator.
 */
public record Step(String name, String description, String migratorApp, String type, Map<String, String> config) {
    public Step {
        Check.slug("name", name);
        description = Check.optionalText("description", description, Check.TEXT_MAX);
        Check.slug("migratorApp", migratorApp);
        type = Check.optionalText("type", type, Check.NAME_MAX);
        config = Check.metadata("config", config);
    }
}
