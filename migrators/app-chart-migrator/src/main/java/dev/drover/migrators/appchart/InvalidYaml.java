package dev.drover.migrators.appchart;

/** A YAML file that does not parse or does not have the shape a step needs; the message names file and line. */
public final class InvalidYaml extends Exception {
    public InvalidYaml(String message) {
        super(message);
    }
}
