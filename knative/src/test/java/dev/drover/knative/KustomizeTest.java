package dev.drover.knative;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tests' renderer refuses what it does not implement instead of ignoring it. */
class KustomizeTest {
    @TempDir
    Path dir;

    @Test
    void aFeatureTheRendererLacksIsNamed() throws Exception {
        Files.writeString(dir.resolve("kustomization.yaml"), "configMapGenerator:\n  - name: x\n    literals: [a=b]\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kustomize.build(dir));
        assertTrue(e.getMessage().contains("'configMapGenerator' is not supported"), e.getMessage());
    }

    @Test
    void aJsonPatchToAPathThatDoesNotExistFails() throws Exception {
        writeConfigMap();
        Files.writeString(dir.resolve("p.yaml"), "- op: replace\n  path: /data/missing\n  value: x\n");
        Files.writeString(dir.resolve("kustomization.yaml"),
                          "resources: [cm.yaml]\npatches:\n  - path: p.yaml\n    target: {kind: ConfigMap}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kustomize.build(dir));
        assertTrue(e.getMessage().contains("'missing' does not exist"), e.getMessage());
    }

    @Test
    void aStrategicMergePatchWithAListIsRefusedAndOneOfMapsMerges() throws Exception {
        writeConfigMap();
        Files.writeString(dir.resolve("p.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {b: \"2\"}\n");
        Files.writeString(dir.resolve("kustomization.yaml"), "namespace: n\nresources: [cm.yaml]\npatches:\n  - path: p.yaml\n");
        List<Map<String, Object>> out = Kustomize.build(dir);
        assertEquals(Map.of("a", "1", "b", "2"), out.getFirst().get("data"));
        assertEquals("n", Kustomize.map(out.getFirst().get("metadata")).get("namespace"));

        Files.writeString(dir.resolve("p.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nitems: [1]\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kustomize.build(dir));
        assertTrue(e.getMessage().contains("use a JSON 6902 patch"), e.getMessage());
    }

    /** As kubectl kustomize 5.5 does (checked by hand, and on the overlays by OverlayTest where kubectl is installed). */
    @Test
    void aBindingsSubjectMovesWithItsServiceAccountAndOnlyThen() throws Exception {
        Files.writeString(dir.resolve("rbac.yaml"), """
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: app}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: b}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
                subjects:
                  - {kind: ServiceAccount, name: app}
                  - {kind: ServiceAccount, name: app, namespace: elsewhere}
                  - {kind: ServiceAccount, name: other}
                """);
        Files.writeString(dir.resolve("kustomization.yaml"), "namespace: ns\nresources: [rbac.yaml]\n");
        Map<String, Object> binding = Kustomize.build(dir).get(1);
        assertEquals("ns", Kustomize.map(binding.get("metadata")).get("namespace"));
        assertEquals(List.of(Map.of("kind", "ServiceAccount", "name", "app", "namespace", "ns"),
                             Map.of("kind", "ServiceAccount", "name", "app", "namespace", "elsewhere"),
                             Map.of("kind", "ServiceAccount", "name", "other")),
                     binding.get("subjects"));
    }

    private void writeConfigMap() throws Exception {
        Files.writeString(dir.resolve("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: \"1\"}\n");
    }
}
