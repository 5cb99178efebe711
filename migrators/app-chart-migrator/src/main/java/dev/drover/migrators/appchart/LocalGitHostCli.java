package dev.drover.migrators.appchart;

import java.nio.file.Path;

/**
 * The local git host from a shell: {@code list <repo.git>}, {@code merge <repo.git> <number|branch>},
 * {@code close <repo.git> <number>}. A merge here is the same real git merge, but it runs in its own
 * process, so no merge listener hears it: the waiting step learns of it on its next run. To re-trigger
 * the step at once, merge through {@link LocalGitHostService} in the migrator's process instead.
 */
public final class LocalGitHostCli {
    private LocalGitHostCli() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            usage();
            return;
        }
        LocalGitHost host = new LocalGitHost(Path.of(args[1]), System.getenv().getOrDefault("DROVER_GITOPS_MAIN", "main"), "");
        try {
            switch (args[0]) {
                case "list" -> host.list().forEach(c -> System.out.println(
                        "#" + c.id() + "  " + c.state().name().toLowerCase() + "  " + c.branch()
                                + (Boolean.FALSE.equals(c.mergeable()) ? "  (conflicts: " + String.join(", ", c.conflicts()) + ")" : "")));
                case "merge" -> {
                    if (args.length < 3) {
                        usage();
                        return;
                    }
                    ChangeRequest merged = args[2].matches("\\d+") ? host.merge(Integer.parseInt(args[2])) : host.mergeBranch(args[2]);
                    System.out.println("merged #" + merged.id() + " (" + merged.branch() + ")");
                }
                case "close" -> System.out.println("closed #" + host.close(Integer.parseInt(args[2])).id());
                default -> usage();
            }
        } catch (MergeConflict | IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    private static void usage() {
        System.err.println("usage: LocalGitHostCli list <repo.git> | merge <repo.git> <number|branch> | close <repo.git> <number>");
        System.exit(2);
    }
}
