package dev.drover.contract.model;

import java.util.List;

/** A named group of a candidate's files in one repository (for example one environment). */
public record FileGroup(String name, String repo, List<FileRef> files) {
    public FileGroup {
        Check.text("name", name, Check.NAME_MAX);
        repo = Check.optionalText("repo", repo, Check.TEXT_MAX);
        files = Check.list("files", files, Check.LIST_MAX);
    }
}
