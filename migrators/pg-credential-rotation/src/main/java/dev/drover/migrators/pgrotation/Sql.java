package dev.drover.migrators.pgrotation;

/** SQL text that cannot be a bind parameter (role names in DDL, comments), quoted as PostgreSQL quotes it. */
final class Sql {
    private Sql() {
    }

    /** A quoted identifier: {@code "name"}, inner quotes doubled. */
    static String identifier(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an identifier cannot hold a NUL character");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** A string literal: {@code 'text'}, inner quotes doubled (standard_conforming_strings is on since 9.1). */
    static String literal(String text) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a literal cannot hold a NUL character");
        }
        return '\'' + text.replace("'", "''") + '\'';
    }
}
