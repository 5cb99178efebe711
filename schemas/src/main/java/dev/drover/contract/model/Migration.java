package dev.drover.contract.model;

import java.util.List;

/**
 * A migration as its migrator announces it: what it is and which steps it runs, in order.
 *
 * @param migratorUrl where the platform reaches the migrator's own routes (its dry-run); empty when the
 *                    migrator answers no dry-run
 */
public record Migration(String id,
                        String name,
                        String description,
                        List<String> overview,
                        List<Step> steps,
                        List<Input> requiredInputs,
                        String migratorUrl) {
    public Migration {
        Check.slug("id", id);
        Check.text("name", name, Check.NAME_MAX);
        description = Check.optionalText("description", description, Check.TEXT_MAX);
        overview = Check.list("overview", overview, Check.LIST_MAX);
        for (int i = 0; i < overview.size(); i++) {
            Check.optionalText("overview[" + i + "]", overview.get(i), Check.TEXT_MAX);
        }
        steps = Check.list("steps", steps, Check.LIST_MAX);
        if (steps.isEmpty()) {
            throw new InvalidInput("steps must name at least one step");
        }
        Check.unique("steps", steps.stream().map(Step::name).toList());
        requiredInputs = Check.list("requiredInputs", requiredInputs, Check.LIST_MAX);
        Check.unique("requiredInputs", requiredInputs.stream().map(Input::name).toList());
        migratorUrl = Check.optionalHttpUrl("migratorUrl", migratorUrl);
    }

    /** A migration whose migrator answers no dry-run. */
    public Migration(String id, String name, String description, List<String> overview, List<Step> steps,
                     List<Input> requiredInputs) {
        this(id, name, description, overview, steps, requiredInputs, "");
    }

    public Migration withMigratorUrl(String url) {
        return new Migration(id, name, description, overview, steps, requiredInputs, url);
    }
}
