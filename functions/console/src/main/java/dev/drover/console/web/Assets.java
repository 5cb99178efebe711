package dev.drover.console.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The console's static files: htmx, its SSE extension and uPlot from their WebJars on the classpath (no Node build),
 * and the console's own {@code console.css} and {@code console.js}. All are read once, at start; their URLs carry a
 * fingerprint of their content ({@code /console/assets/<fingerprint>/<name>}), so a browser may keep them for a year
 * and a new release still reaches it.
 */
public final class Assets {
    private record Asset(byte[] bytes, String contentType) {
    }

    private final Map<String, Asset> files = new LinkedHashMap<>();
    private final String fingerprint;

    public Assets() {
        webjar("htmx.min.js", "htmx.org", "dist/htmx.min.js");
        webjar("sse.js", "htmx-ext-sse", "sse.js");
        webjar("uPlot.iife.min.js", "uplot", "dist/uPlot.iife.min.js");
        webjar("uPlot.min.css", "uplot", "dist/uPlot.min.css");
        own("console.css");
        own("console.js");
        own("history.js");
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            files.forEach((name, asset) -> {
                digest.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update(asset.bytes());
            });
            fingerprint = HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the page links the asset {@code name}. */
    public String url(String name) {
        if (!files.containsKey(name)) {
            throw new IllegalArgumentException("no console asset " + name);
        }
        return Urls.ROOT + "/assets/" + fingerprint + "/" + name;
    }

    /** Answers {@code /console/assets/{fingerprint}/{name}}; an old fingerprint or unknown name is 404. */
    public Page page() {
        return (req, res) -> serve(req.param("fingerprint"), req.param("name"), res);
    }

    void serve(String askedFingerprint, String name, ServerResponse res) {
        Asset asset = files.get(name);
        if (asset == null || !fingerprint.equals(askedFingerprint)) {
            res.status(Status.NOT_FOUND_404).header(HeaderNames.CACHE_CONTROL, "no-store").send("no such asset");
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, asset.contentType());
        res.header(HeaderNames.CACHE_CONTROL, "private, max-age=31536000, immutable");
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.send(asset.bytes());
    }

    private void webjar(String name, String artifact, String path) {
        String version = version(artifact);
        add(name, "META-INF/resources/webjars/" + artifact + "/" + version + "/" + path);
    }

    private void own(String name) {
        add(name, "dev/drover/console/assets/" + name);
    }

    private void add(String name, String resource) {
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the console asset " + resource + " is not on the classpath");
            }
            files.put(name, new Asset(in.readAllBytes(), contentType(name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A WebJar's version from its Maven metadata, so upgrading one in the pom needs no change here. */
    private static String version(String artifact) {
        String resource = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the WebJar " + artifact + " is not on the classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            return Optional.ofNullable(properties.getProperty("version"))
                    .orElseThrow(() -> new IllegalStateException(resource + " names no version"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        throw new IllegalArgumentException("no content type for " + name);
    }
}
