package dev.drover.contract.model;

/** An input an operator must give before a migration's candidates can start. */
public record Input(String name, String label, String description) {
    public Input {
        Check.inputName("name", name);
        label = Check.optionalText("label", label, Check.NAME_MAX);
        description = Check.optionalText("description", description, Check.TEXT_MAX);
    }
}
