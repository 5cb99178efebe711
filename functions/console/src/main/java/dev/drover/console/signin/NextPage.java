package dev.drover.console.signin;

import java.util.Optional;

/**
 * Where to go once signed in: a console page of this origin, never anywhere else. {@code next} comes from a link
 * anyone can craft, so anything that a browser could read as another origin ({@code //host}, {@code /\host}, a
 * scheme, a control character) or that leaves the console falls back to its start page.
 */
final class NextPage {
    static final String HOME = "/console/";
    private static final int MAX = 2000;

    private NextPage() {
    }

    static String of(Optional<String> next) {
        return next.filter(NextPage::isLocal).orElse(HOME);
    }

    static boolean isLocal(String next) {
        if (next.isEmpty() || next.length() > MAX || next.indexOf('\\') >= 0 || next.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            return false;
        }
        if (!(next.equals("/console") || next.startsWith("/console/") || next.startsWith("/console?"))) {
            return false;
        }
        // Not the sign-in routes themselves: a callback with someone else's code, or a loop.
        String path = next.split("[?#]", 2)[0];
        return !path.contains("/..") && !path.startsWith("/console/callback") && !path.startsWith("/console/sign-");
    }
}
