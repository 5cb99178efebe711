package dev.drover.contract.model;

import java.util.Map;

/**
 * One step of a migration: executed by the migrator app it names. The platform never interprets
 * {@code type} or {@code config}; they belong to the migrator, with one reserved value: a step of type
 * {@value #MANUAL} is performed by a person (an approval, a review) and completed by an operator, never
 * dispatched to a migrator (docs/adr/0013-manual-steps.md).
 */
public record Step(String name, String description, String migratorApp, String type, Map<String, String> config) {
    /** The one step type the platform interprets. */
    public static final String MANUAL = "manual";

    public Step {
        Check.slug("name", name);
        description = Check.optionalText("description", description, Check.TEXT_MAX);
        Check.slug("migratorApp", migratorApp);
        type = Check.optionalText("type", type, Check.NAME_MAX);
        config = Check.metadata("config", config);
    }

    /** Whether {@code step} waits for an operator instead of a migrator (a static helper, so JSON never sees it). */
    public static boolean manual(Step step) {
        return MANUAL.equals(step.type());
    }
}
