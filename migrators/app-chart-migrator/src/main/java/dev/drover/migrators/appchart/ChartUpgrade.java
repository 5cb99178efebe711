package dev.drover.migrators.appchart;

import dev.drover.migrator.StepContext;

import java.util.List;

/**
 * What to upgrade to: the chart, its target version and the values keys the new version renamed. Each
 * setting is read from the operator's inputs when given there, else from the step's config (which the
 * migration definition fills from the migrator's settings).
 */
public record ChartUpgrade(String chart, ChartVersion target, List<KeyRename> renames) {
    public static final String CHART = "chart";
    public static final String TARGET_VERSION = "targetVersion";
    public static final String KEY_RENAMES = "keyRenames";

    public ChartUpgrade {
        renames = List.copyOf(renames);
    }

    public static ChartUpgrade of(String chart, String targetVersion, String keyRenames) {
        if (chart == null || chart.isBlank()) {
            throw new IllegalArgumentException("the chart to upgrade is required");
        }
        return new ChartUpgrade(chart.trim(), ChartVersion.parse(targetVersion), KeyRename.parseAll(keyRenames));
    }

    public static ChartUpgrade from(StepContext step) {
        return of(setting(step, CHART, true), setting(step, TARGET_VERSION, true), setting(step, KEY_RENAMES, false));
    }

    private static String setting(StepContext step, String key, boolean required) {
        String input = step.inputs().get(key);
        if (input != null && !input.isBlank()) {
            return input;
        }
        return required ? step.config(key) : step.config(key, "");
    }
}
