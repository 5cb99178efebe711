package dev.drover.core.state;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** A Lua script from this package's resources, run by its SHA and loaded on first use (EVALSHA, then EVAL). */
final class LuaScript {
    private final String source;
    private final String sha;

    private LuaScript(String source) {
        this.source = source;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                                                        .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Where a script's text comes from, by resource name: this package's resources in production; a test swaps one
     * script's text (LuaMutantsTest runs the rules' cases against deliberately broken scripts).
     */
    @FunctionalInterface
    interface Source {
        LuaScript load(String resource);
    }

    /** The scripts as shipped. */
    static final Source RESOURCES = LuaScript::load;

    /** A script from its text (a test's variant of a shipped one). */
    static LuaScript of(String source) {
        return new LuaScript(source);
    }

    /** The shipped text of a script, for a test to derive a variant from. */
    static String text(String resource) {
        return load(resource).source;
    }

    static LuaScript load(String resource) {
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + resource);
            }
            return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            return redis.eval(source, keys, args);
        }
    }
}
