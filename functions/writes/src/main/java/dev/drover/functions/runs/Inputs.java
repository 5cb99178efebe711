package dev.drover.functions.runs;

import dev.drover.core.http.ApiException;
import dev.drover.contract.model.Check;
import dev.drover.contract.model.Input;
import dev.drover.contract.model.Migration;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The rules for operator inputs: only the migration's declared inputs, as strings. */
public final class Inputs {
    private Inputs() {
    }

    /** @throws ApiException 400 unknown_input for a name the migration does not declare */
    public static Map<String, String> declaredOnly(Migration migration, Map<String, String> given) {
        Map<String, String> inputs = Check.metadata("inputs", given);
        List<String> declared = migration.requiredInputs().stream().map(Input::name).toList();
        TreeSet<String> unknown = new TreeSet<>(inputs.keySet());
        declared.forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("unknown_input", "migration '" + migration.id() + "' declares no input "
                    + String.join(", ", unknown) + (declared.isEmpty() ? "; it takes none" : "; it takes " + String.join(", ", declared)));
        }
        return inputs;
    }
}
