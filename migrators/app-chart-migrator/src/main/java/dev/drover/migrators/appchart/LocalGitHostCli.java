package dev.drover.migrators.appchart;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The local git host from a shell: {@code list <repo.git>}, {@code merge <repo.git> <number|branch>},
 * {@code close <repo.git> <number>}. A merge here is the same real git merge, but it runs in its own
 * process, so no merge listener hears it: the waiting step learns of it on its next run. To re-trigger
 * the step at once, merge through {@link LocalGitHostService} in the migrator's process instead.
 * Exit status: 0 done, 1 refused (a conflict, a closed or unknown change request), 2 a command it does not know.
 */
public final class LocalGitHostCli {
    static final String USAGE = "usage: LocalGitHostCli list <repo.git> | merge <repo.git> <number|branch> | close <repo.git> <number>";

    private LocalGitHostCli() {
    }

    public static void main(String[] args) throws Exception {
        int status = run(args, System.getenv().getOrDefault("DROVER_GITOPS_MAIN", "main"), System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs one command against the repository named in {@code args}; returns the exit status. */
    static int run(String[] args, String mainBranch, PrintStream out, PrintStream err) throws IOException {
        String command = args.length > 0 ? args[0] : "";
        int arguments = switch (command) {
            case "list" -> 2;
            case "merge", "close" -> 3;
            default -> -1;
        };
        if (arguments < 0 || args.length != arguments) {
            err.println(USAGE);
            return 2;
        }
        LocalGitHost host = new LocalGitHost(Path.of(args[1]), mainBranch, "");
        try {
            switch (command) {
                case "list" -> host.list().forEach(c -> out.println(
                        "#" + c.id() + "  " + c.state().name().toLowerCase() + "  " + c.branch()
                                + (Boolean.FALSE.equals(c.mergeable()) ? "  (conflicts: " + String.join(", ", c.conflicts()) + ")" : "")));
                case "merge" -> {
                    ChangeRequest merged = args[2].matches("\\d+") ? host.merge(Integer.parseInt(args[2])) : host.mergeBranch(args[2]);
                    out.println("merged #" + merged.id() + " (" + merged.branch() + ")");
                }
                default -> {
                    if (!args[2].matches("\\d+")) {
                        err.println("change request number must be a whole number, got '" + args[2] + "'");
                        return 2;
                    }
                    out.println("closed #" + host.close(Integer.parseInt(args[2])).id());
                }
            }
            return 0;
        } catch (MergeConflict | IllegalArgumentException e) {
            err.println(e.getMessage());
            return 1;
        }
    }
}
