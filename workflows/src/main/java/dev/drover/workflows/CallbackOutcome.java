package dev.drover.workflows;

import dev.drover.contract.run.StepStatus;

/**
 * What a callback did: {@code applied} is false when it was a redelivery of one already applied.
 *
 * @param stepStatus the step's status after it
 */
public record CallbackOutcome(boolean applied, StepStatus stepStatus) {
}
