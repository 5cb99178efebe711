package dev.drover.migrators.appchart;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class YamlDocumentTest {
    private static final String VALUES = """
            # payments / checkout — prod (ünïcode in a comment moves code points and chars apart: 🚀)
            replicaCount: 3   # keep >= 3

            image:
              repository: registry.example.com/checkout
              # pinned by the release pipeline
              tag: "2026.3.1"    # do not edit
              pullPolicy:   IfNotPresent

            service: {type: ClusterIP, port: 8080}
            """;

    @Test
    void renamingAKeyChangesOnlyThatKeysText() throws Exception {
        YamlDocument doc = YamlDocument.parse("values/checkout/prod.yaml", VALUES);

        YamlDocument renamed = doc.renameKey(List.of("image", "tag"), "version");

        assertEquals(VALUES.replace("  tag: \"2026.3.1\"", "  version: \"2026.3.1\""), renamed.text());
    }

    @Test
    void renamingInAFlowMappingKeepsTheFlowStyle() throws Exception {
        YamlDocument renamed = YamlDocument.parse("v.yaml", VALUES).renameKey(List.of("service", "port"), "httpPort");

        assertEquals(VALUES.replace("port: 8080}", "httpPort: 8080}"), renamed.text());
    }

    @Test
    void renamingAnAbsentKeyIsANoOp() throws Exception {
        YamlDocument doc = YamlDocument.parse("v.yaml", VALUES);

        assertSame(doc, doc.renameKey(List.of("image", "digest"), "sha"));
        assertSame(doc, doc.renameKey(List.of("ingress", "host"), "hostname"));
    }

    @Test
    void renamingOntoAKeyThatIsAlreadySetFailsNamingBothLines() throws Exception {
        YamlDocument doc = YamlDocument.parse("values/a/dev.yaml", "image:\n  tag: a\n  version: b\n");

        InvalidYaml e = assertThrows(InvalidYaml.class, () -> doc.renameKey(List.of("image", "tag"), "version"));

        assertEquals("values/a/dev.yaml line 3: both 'image.tag' (line 2) and its new name 'version' are set; remove one of them",
                     e.getMessage());
    }

    @Test
    void replacingAScalarKeepsItsQuotingAndTheCommentAfterIt() throws Exception {
        YamlDocument doc = YamlDocument.parse("v.yaml", VALUES);
        ScalarNode tag = (ScalarNode) YamlDocument.find(doc.root().orElseThrow(), List.of("image", "tag")).orElseThrow();
        ScalarNode policy = (ScalarNode) YamlDocument.find(doc.root().orElseThrow(), List.of("image", "pullPolicy")).orElseThrow();

        assertEquals(VALUES.replace("\"2026.3.1\"    # do not edit", "\"2026.4.0\"    # do not edit"), doc.replace(tag, "2026.4.0").text());
        assertEquals(VALUES.replace("pullPolicy:   IfNotPresent", "pullPolicy:   Always"), doc.replace(policy, "Always").text());
    }

    @Test
    void aPlainValueThatYamlWouldReadAsANumberIsQuoted() throws Exception {
        YamlDocument doc = YamlDocument.parse("a.yaml", "targetRevision: 1.4.2 # version\n");
        ScalarNode node = (ScalarNode) YamlDocument.find(doc.root().orElseThrow(), List.of("targetRevision")).orElseThrow();

        assertEquals("targetRevision: 2.0.0 # version\n", doc.replace(node, "2.0.0").text());
        assertEquals("targetRevision: \"2.0\" # version\n", doc.replace(node, "2.0").text());
    }

    @Test
    void renamingInAnEmptyDocumentOrWithNoKeyChangesNothing() throws Exception {
        YamlDocument empty = YamlDocument.parse("values/a/dev.yaml", "");
        assertEquals("", empty.renameKey(List.of("image", "tag"), "version").text());
        YamlDocument doc = YamlDocument.parse("values/a/dev.yaml", "image:\n  tag: a\n");
        assertEquals("image:\n  tag: a\n", doc.renameKey(List.of(), "version").text());
        assertEquals("image:\n  tag: a\n", doc.renameKey(List.of("service", "port"), "httpPort").text());
    }

    @Test
    void aFileThatDoesNotParseIsNamedWithItsLineAndColumn() {
        InvalidYaml e = assertThrows(InvalidYaml.class,
                () -> YamlDocument.parse("values/checkout/prod.yaml", "image:\n  tag: a\n   bad: [\n"));

        assertEquals("values/checkout/prod.yaml line 3, column 7: mapping values are not allowed here", e.getMessage());
    }
}
