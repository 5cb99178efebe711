package dev.drover.migrator;

import dev.drover.contract.run.StepEvent;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The migrator's step handlers by step type. */
record StepHandlers(Map<String, StepHandler> byType) {
    StepHandlers {
        byType = Map.copyOf(byType);
    }

    Optional<StepHandler> find(StepEvent.StepRef step) {
        return Optional.ofNullable(byType.get(step.type()));
    }

    /** For an operator: why a step cannot run here. */
    String unknown(StepEvent.StepRef step) {
        return "step " + step.name() + " has type '" + step.type() + "', which this migrator does not handle (it handles "
                + String.join(", ", new TreeMap<>(byType).keySet()) + "); fix the migration's definition";
    }
}
