package dev.drover.cli;

import java.io.Console;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where the output goes: a person's terminal (tables fit its width, diffs in colour, a redrawn progress line) or a
 * pipe or a file (plain lines, nothing truncated, no escape codes).
 *
 * @param tty   standard output is a terminal
 * @param width the terminal's columns; {@link Integer#MAX_VALUE} for a pipe, so nothing is cut for a script
 * @param color ANSI colours: a terminal, no {@code --no-color}, no {@code NO_COLOR} (https://no-color.org)
 */
record Terminal(boolean tty, int width, boolean color) {
    static final Terminal PIPE = new Terminal(false, Integer.MAX_VALUE, false);

    Terminal withoutColor() {
        return new Terminal(tty, width, false);
    }

    static Terminal detect(Map<String, String> env) {
        boolean tty = stdoutIsTerminal();
        int width = columns(env.get("COLUMNS")).orElse(tty ? sttyColumns() : Integer.MAX_VALUE);
        return new Terminal(tty, width, tty && !env.containsKey("NO_COLOR"));
    }

    private static java.util.OptionalInt columns(String value) {
        try {
            int n = value == null ? 0 : Integer.parseInt(value.trim());
            return n > 0 ? java.util.OptionalInt.of(n) : java.util.OptionalInt.empty();
        } catch (NumberFormatException e) {
            return java.util.OptionalInt.empty();
        }
    }

    /**
     * JDK 21 and 25 answer no console when standard input or output is redirected; JDK 22-24 answer one anyway and
     * tell with {@code isTerminal()} (Java 22), called by name because the module is compiled for 21.
     */
    private static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** The terminal's width as {@code stty size} reads it from /dev/tty (bash does not export COLUMNS); 80 if unknown. */
    private static int sttyColumns() {
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String answer = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (stty.waitFor(2, TimeUnit.SECONDS) && stty.exitValue() == 0) {
                String[] rowsColumns = answer.split("\\s+");
                if (rowsColumns.length == 2) {
                    return columns(rowsColumns[1]).orElse(80);
                }
            }
        } catch (IOException e) {
            return 80;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 80;
    }
}
