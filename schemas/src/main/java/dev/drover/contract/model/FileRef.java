package dev.drover.contract.model;

/** One file a candidate's migration touches, with a link for humans. */
public record FileRef(String path, String url) {
    public FileRef {
        Check.text("path", path, Check.TEXT_MAX);
        url = Check.optionalText("url", url, Check.TEXT_MAX);
    }
}
