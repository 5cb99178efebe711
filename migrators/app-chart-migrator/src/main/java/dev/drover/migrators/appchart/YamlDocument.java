package dev.drover.migrators.appchart;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One YAML file as text plus its node tree. Edits replace only the characters of the node they change,
 * at the positions snakeyaml-engine's marks give, so comments, indentation, quoting and key order of
 * every other line survive byte for byte. Re-dumping the tree would lose them.
 */
public final class YamlDocument {
    /** A value that stays a string when written plain (versions, names); anything else is quoted. */
    private static final Pattern SAFE_PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/+-]*");
    /** Plain values YAML would read as a number, boolean or null (e.g. {@code 2.0}, {@code yes}). */
    private static final Pattern NOT_A_STRING = Pattern.compile(
            "[-+]?(\\d+|\\d*\\.\\d+|\\d+\\.\\d*)([eE][-+]?\\d+)?|(?i:true|false|yes|no|on|off|null|~)");

    private final String path;
    private final String text;
    private final Node root;

    private YamlDocument(String path, String text, Node root) {
        this.path = path;
        this.text = text;
        this.root = root;
    }

    /** Parses {@code text}; a syntax error becomes an {@link InvalidYaml} naming {@code path}, line and column. */
    public static YamlDocument parse(String path, String text) throws InvalidYaml {
        try {
            Node root = new Compose(LoadSettings.builder().setLabel(path).build()).composeString(text).orElse(null);
            return new YamlDocument(path, text, root);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
            String where = mark.map(m -> " line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse("");
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            throw new InvalidYaml(path + where + ": " + problem + context);
        } catch (YamlEngineException e) {
            throw new InvalidYaml(path + ": " + e.getMessage());
        }
    }

    public String path() {
        return path;
    }

    public String text() {
        return text;
    }

    public Optional<Node> root() {
        return Optional.ofNullable(root);
    }

    /** The node at {@code keys} below {@code from}, following mapping keys only. */
    public static Optional<Node> find(Node from, List<String> keys) {
        Node current = from;
        for (String key : keys) {
            Optional<NodeTuple> tuple = entry(current, key);
            if (tuple.isEmpty()) {
                return Optional.empty();
            }
            current = tuple.get().getValueNode();
        }
        return Optional.ofNullable(current);
    }

    /** The key/value pair named {@code key} of {@code mapping}, if it is a mapping and has it. */
    public static Optional<NodeTuple> entry(Node mapping, String key) {
        if (!(mapping instanceof MappingNode m)) {
            return Optional.empty();
        }
        return m.getValue().stream()
                .filter(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key))
                .findFirst();
    }

    public static Optional<String> string(Node from, List<String> keys) {
        return find(from, keys).filter(ScalarNode.class::isInstance).map(n -> ((ScalarNode) n).getValue());
    }

    public static List<Node> sequence(Node from, List<String> keys) {
        return find(from, keys).filter(SequenceNode.class::isInstance)
                .map(n -> ((SequenceNode) n).getValue()).orElse(List.of());
    }

    /** 1-based line of a node, for messages an operator can follow. */
    public static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    /** This document with {@code scalar}'s value replaced by {@code value}, written in the scalar's own style. */
    public YamlDocument replace(ScalarNode scalar, String value) throws InvalidYaml {
        return replaceText(scalar, render(scalar.getScalarStyle(), value));
    }

    /**
     * This document with the key {@code keys} renamed to {@code newKey} in the same mapping; the value,
     * its comments and its position stay. A no-op when the key is absent (already renamed, or never set).
     */
    public YamlDocument renameKey(List<String> keys, String newKey) throws InvalidYaml {
        if (root == null || keys.isEmpty()) {
            return this;
        }
        Optional<Node> parent = find(root, keys.subList(0, keys.size() - 1));
        if (parent.isEmpty()) {
            return this;
        }
        Optional<NodeTuple> old = entry(parent.get(), keys.getLast());
        if (old.isEmpty()) {
            return this;
        }
        Optional<NodeTuple> clash = entry(parent.get(), newKey);
        if (clash.isPresent()) {
            throw new InvalidYaml(path + " line " + line(clash.get().getKeyNode()) + ": both '" + String.join(".", keys)
                                          + "' (line " + line(old.get().getKeyNode()) + ") and its new name '" + newKey
                                          + "' are set; remove one of them");
        }
        ScalarNode key = (ScalarNode) old.get().getKeyNode();
        return replaceText(key, render(key.getScalarStyle(), newKey));
    }

    private YamlDocument replaceText(Node node, String replacement) throws InvalidYaml {
        int start = offset(node.getStartMark());
        int end = offset(node.getEndMark());
        String edited = text.substring(0, start) + replacement + text.substring(end);
        return parse(path, edited);
    }

    /** snakeyaml-engine counts code points; Java strings index UTF-16 units. */
    private int offset(Optional<Mark> mark) {
        Mark m = mark.orElseThrow(() -> new IllegalStateException(path + ": node without a position"));
        return text.offsetByCodePoints(0, m.getIndex());
    }

    private static String render(ScalarStyle style, String value) {
        return switch (style) {
            case SINGLE_QUOTED -> "'" + value.replace("'", "''") + "'";
            case DOUBLE_QUOTED -> doubleQuoted(value);
            default -> SAFE_PLAIN.matcher(value).matches() && !NOT_A_STRING.matcher(value).matches()
                    ? value : doubleQuoted(value);
        };
    }

    private static String doubleQuoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
