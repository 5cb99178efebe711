package dev.drover.knative;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small kustomize: just the features Drover's kustomizations use, with kustomize's semantics, so the
 * tests can render the overlays without a kustomize binary. Anything else in a kustomization.yaml is
 * refused by name rather than ignored, so a manifest using a feature the tests do not understand fails
 * here instead of being checked wrongly.
 *
 * <ul>
 *   <li>{@code resources}: files (one or more YAML documents) and directories with a kustomization.yaml</li>
 *   <li>{@code namespace}: set on every namespaced resource, and on a RoleBinding's subject that names a ServiceAccount of
 *       the build (kustomize's name reference), when the subject had that ServiceAccount's namespace (none, in a base)</li>
 *   <li>{@code images}: {@code name} → {@code newName} / {@code newTag} / {@code digest}, in every
 *       {@code containers} / {@code initContainers} list of any kind (Knative Services included)</li>
 *   <li>{@code patches}: JSON 6902 ({@code add}, {@code replace}, {@code remove}) with a {@code target}
 *       (kind, name, group, version, labelSelector of {@code k=v} terms); strategic merge patches made of
 *       maps only (kustomize replaces whole lists in custom resources, so a patch with a list is refused)</li>
 *   <li>{@code sortOptions} ({@code order: legacy} with {@code orderFirst} / {@code orderLast} kinds): the output's
 *       order, which is the order kubectl applies in; without it the files' order is kept (tests compare by name)</li>
 * </ul>
 */
final class Kustomize {
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "namespace", "images", "patches",
                                                          "sortOptions");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
                                                             "CustomResourceDefinition");

    private Kustomize() {
    }

    /** Builds the kustomization in {@code dir}, like {@code kubectl kustomize dir}. */
    static List<Map<String, Object>> build(Path dir) {
        Map<String, Object> kustomization = Yaml.readOne(dir.resolve("kustomization.yaml"));
        for (String key : kustomization.keySet()) {
            if (!SUPPORTED.contains(key)) {
                throw new IllegalArgumentException(dir.resolve("kustomization.yaml") + ": '" + key
                        + "' is not supported by the tests' renderer (knative/src/test/.../Kustomize.java); add it there, with kustomize's semantics");
            }
        }
        List<Map<String, Object>> resources = new ArrayList<>();
        for (Object entry : list(kustomization.get("resources"))) {
            Path path = dir.resolve((String) entry).normalize();
            resources.addAll(Files.isDirectory(path) ? build(path) : Yaml.readAll(path));
        }
        for (Object entry : list(kustomization.get("patches"))) {
            patch(dir, map(entry), resources);
        }
        for (Object entry : list(kustomization.get("images"))) {
            Map<String, Object> image = map(entry);
            resources.forEach(resource -> images(resource, image));
        }
        if (kustomization.get("namespace") instanceof String namespace) {
            Map<String, Object> accounts = new java.util.HashMap<>(); // ServiceAccount name -> its namespace before
            resources.stream().filter(resource -> "ServiceAccount".equals(resource.get("kind")))
                    .forEach(account -> accounts.put((String) map(account.get("metadata")).get("name"), map(account.get("metadata")).get("namespace")));
            resources.stream()
                    .filter(resource -> !CLUSTER_SCOPED.contains(resource.get("kind")))
                    .forEach(resource -> map(resource.get("metadata")).put("namespace", namespace));
            resources.stream().filter(resource -> List.of("RoleBinding", "ClusterRoleBinding").contains(resource.get("kind")))
                    .forEach(binding -> followServiceAccounts(binding, accounts, namespace));
        }
        if (kustomization.get("sortOptions") instanceof Map<?, ?> sortOptions) {
            sort(map(sortOptions), resources, dir);
        }
        return resources;
    }

    /**
     * kustomize's name reference from a binding's subject to a ServiceAccount of the same build: a subject naming one,
     * with the namespace that ServiceAccount had (none, in a base), moves with it to the new namespace. Other subjects keep
     * theirs (kustomize's own namespace rule for subjects, on those named "default", is not needed here and not copied).
     */
    private static void followServiceAccounts(Map<String, Object> binding, Map<String, Object> accounts, String namespace) {
        for (Object entry : list(binding.get("subjects"))) {
            Map<String, Object> subject = map(entry);
            Object name = subject.get("name");
            if ("ServiceAccount".equals(subject.get("kind")) && accounts.containsKey(name)
                    && java.util.Objects.equals(accounts.get(name), subject.get("namespace"))) {
                subject.put("namespace", namespace);
            }
        }
    }

    /** kustomize's legacy order: the orderFirst kinds in that order, then the others by group/version/kind, then orderLast. */
    private static void sort(Map<String, Object> options, List<Map<String, Object>> resources, Path dir) {
        if (!"legacy".equals(options.get("order"))) {
            throw new IllegalArgumentException(dir + ": only sortOptions.order legacy is supported by the tests' renderer");
        }
        Map<String, Object> legacy = options.containsKey("legacySortOptions") ? map(options.get("legacySortOptions")) : Map.of();
        List<?> first = list(legacy.get("orderFirst"));
        List<?> last = list(legacy.get("orderLast"));
        java.util.Comparator<Map<String, Object>> rank = java.util.Comparator.comparingInt(r -> {
            int f = first.indexOf(r.get("kind"));
            int l = last.indexOf(r.get("kind"));
            return f >= 0 ? f : l >= 0 ? first.size() + 1 + l : first.size();
        });
        resources.sort(rank.thenComparing(r -> first.contains(r.get("kind")) || last.contains(r.get("kind")) ? ""
                        : r.get("apiVersion") + "/" + r.get("kind"))
                .thenComparing(r -> String.valueOf(map(r.get("metadata")).get("namespace")))
                .thenComparing(r -> String.valueOf(map(r.get("metadata")).get("name"))));
    }

    private static void patch(Path dir, Map<String, Object> entry, List<Map<String, Object>> resources) {
        Object patch;
        if (entry.get("path") instanceof String path) {
            patch = Yaml.readTree(dir.resolve(path));
        } else if (entry.get("patch") instanceof String inline) {
            patch = Yaml.parse(inline);
        } else {
            throw new IllegalArgumentException(dir + ": a patch needs 'path' or 'patch'");
        }
        Map<String, Object> target = entry.containsKey("target") ? map(entry.get("target")) : null;
        if (patch instanceof List<?> operations) {
            if (target == null) {
                throw new IllegalArgumentException(dir + ": a JSON 6902 patch needs a target");
            }
            List<Map<String, Object>> matched = resources.stream().filter(r -> matches(r, target)).toList();
            if (matched.isEmpty()) {
                throw new IllegalArgumentException(dir + ": patch " + entry + " matches no resource");
            }
            matched.forEach(resource -> operations.forEach(op -> JsonPatch.apply(resource, map(op))));
        } else {
            Map<String, Object> merge = map(patch);
            Map<String, Object> selector = target != null ? target
                    : Map.of("kind", merge.get("kind"), "name", map(merge.get("metadata")).get("name"));
            List<Map<String, Object>> matched = resources.stream().filter(r -> matches(r, selector)).toList();
            if (matched.isEmpty()) {
                throw new IllegalArgumentException(dir + ": patch " + entry + " matches no resource");
            }
            for (Map<String, Object> resource : matched) {
                Map<String, Object> body = new LinkedHashMap<>(merge);
                // the patch's own identity does not rename what it patches
                body.remove("apiVersion");
                body.remove("kind");
                Map<String, Object> metadata = body.containsKey("metadata") ? new LinkedHashMap<>(map(body.get("metadata"))) : null;
                if (metadata != null) {
                    metadata.remove("name");
                    body.put("metadata", metadata);
                }
                mergeMaps(resource, body, dir);
            }
        }
    }

    private static boolean matches(Map<String, Object> resource, Map<String, Object> target) {
        Map<String, Object> metadata = map(resource.get("metadata"));
        String apiVersion = (String) resource.get("apiVersion");
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        if (target.get("kind") != null && !target.get("kind").equals(resource.get("kind"))
                || target.get("name") != null && !target.get("name").equals(metadata.get("name"))
                || target.get("group") != null && !target.get("group").equals(group)
                || target.get("version") != null && !target.get("version").equals(version)) {
            return false;
        }
        if (target.get("labelSelector") instanceof String selector) {
            Map<String, Object> labels = metadata.containsKey("labels") ? map(metadata.get("labels")) : Map.of();
            for (String term : selector.split(",")) {
                String[] kv = term.trim().split("=", 2);
                if (kv.length != 2 || kv[0].endsWith("!")) {
                    throw new IllegalArgumentException("labelSelector '" + selector + "': only k=v terms are supported");
                }
                if (!kv[1].trim().equals(labels.get(kv[0].trim()))) {
                    return false;
                }
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static void mergeMaps(Map<String, Object> into, Map<String, Object> patch, Path dir) {
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            Object value = e.getValue();
            if (value == null) {
                into.remove(e.getKey());
            } else if (value instanceof List<?>) {
                throw new IllegalArgumentException(dir + ": a strategic merge patch with a list ('" + e.getKey()
                        + "') is not supported (kustomize's list semantics depend on the kind); use a JSON 6902 patch");
            } else if (value instanceof Map<?, ?> child && into.get(e.getKey()) instanceof Map<?, ?> existing) {
                mergeMaps((Map<String, Object>) existing, (Map<String, Object>) child, dir);
            } else {
                into.put(e.getKey(), value);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void images(Object node, Map<String, Object> image) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (("containers".equals(e.getKey()) || "initContainers".equals(e.getKey())) && e.getValue() instanceof List<?> containers) {
                    for (Object container : containers) {
                        setImage((Map<String, Object>) container, image);
                    }
                } else {
                    images(e.getValue(), image);
                }
            }
        } else if (node instanceof List<?> list) {
            list.forEach(item -> images(item, image));
        }
    }

    private static void setImage(Map<String, Object> container, Map<String, Object> image) {
        if (!(container.get("image") instanceof String reference)) {
            return;
        }
        int at = reference.indexOf('@');
        int colon = reference.lastIndexOf(':');
        String name = at >= 0 ? reference.substring(0, at)
                : colon > reference.lastIndexOf('/') ? reference.substring(0, colon) : reference;
        if (!name.equals(image.get("name"))) {
            return;
        }
        String suffix = reference.substring(name.length());
        String newName = image.get("newName") instanceof String n ? n : name;
        if (image.get("digest") instanceof String digest) {
            suffix = "@" + digest;
        } else if (image.get("newTag") != null) {
            suffix = ":" + image.get("newTag");
        }
        container.put("image", newName + suffix);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException("expected a map, got " + value);
    }

    static List<?> list(Object value) {
        return value == null ? List.of() : (List<?>) value;
    }

    /** Reading YAML into plain maps and lists (what kustomize works on). */
    static final class Yaml {
        private Yaml() {
        }

        static List<Map<String, Object>> readAll(Path file) {
            try (var docs = YAML.readerFor(Map.class).<Map<String, Object>>readValues(file.toFile())) {
                List<Map<String, Object>> result = new ArrayList<>();
                while (docs.hasNextValue()) {
                    Map<String, Object> doc = docs.nextValue();
                    if (doc != null && !doc.isEmpty()) {
                        result.add(doc);
                    }
                }
                return result;
            } catch (IOException e) {
                throw new UncheckedIOException(file.toString(), e);
            }
        }

        static Map<String, Object> readOne(Path file) {
            return map(readTree(file));
        }

        static Object readTree(Path file) {
            try {
                return YAML.readValue(file.toFile(), Object.class);
            } catch (IOException e) {
                throw new UncheckedIOException(file.toString(), e);
            }
        }

        static Object parse(String yaml) {
            try {
                return YAML.readValue(yaml, Object.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** RFC 6902 add / replace / remove with JSON pointers, as kustomize applies them. */
    static final class JsonPatch {
        private JsonPatch() {
        }

        @SuppressWarnings("unchecked")
        static void apply(Map<String, Object> resource, Map<String, Object> operation) {
            String op = (String) operation.get("op");
            String path = (String) operation.get("path");
            List<String> tokens = new ArrayList<>();
            for (String raw : path.substring(1).split("/", -1)) {
                tokens.add(raw.replace("~1", "/").replace("~0", "~"));
            }
            Object parent = resource;
            for (String token : tokens.subList(0, tokens.size() - 1)) {
                parent = child(parent, token, path);
            }
            String last = tokens.getLast();
            switch (op) {
                case "add" -> {
                    if (parent instanceof List<?> list) {
                        List<Object> items = (List<Object>) list;
                        items.add("-".equals(last) ? items.size() : Integer.parseInt(last), operation.get("value"));
                    } else {
                        map(parent).put(last, operation.get("value"));
                    }
                }
                case "replace", "remove" -> {
                    child(parent, last, path); // must exist, as in RFC 6902
                    if (parent instanceof List<?> list) {
                        if ("remove".equals(op)) {
                            list.remove(Integer.parseInt(last));
                        } else {
                            ((List<Object>) list).set(Integer.parseInt(last), operation.get("value"));
                        }
                    } else if ("remove".equals(op)) {
                        map(parent).remove(last);
                    } else {
                        map(parent).put(last, operation.get("value"));
                    }
                }
                default -> throw new IllegalArgumentException("JSON 6902 op '" + op + "' is not supported by the tests' renderer");
            }
        }

        private static Object child(Object node, String token, String path) {
            Object child = node instanceof List<?> list ? (Integer.parseInt(token) < list.size() ? list.get(Integer.parseInt(token)) : null)
                    : map(node).get(token);
            if (child == null) {
                throw new IllegalArgumentException("JSON 6902 path " + path + ": '" + token + "' does not exist");
            }
            return child;
        }
    }
}
