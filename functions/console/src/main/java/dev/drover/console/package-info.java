/** The console: Drover's pages for operators, served by the {@code console} function at {@code /console/}. */
package dev.drover.console;
