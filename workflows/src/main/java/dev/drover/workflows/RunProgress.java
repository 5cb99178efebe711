package dev.drover.workflows;

import dev.drover.contract.run.StepStatus;

/** Where a running workflow is: the current step, its status, and its dispatch number. */
public record RunProgress(String currentStep, StepStatus status, int dispatch) {
}
