package dev.drover.functions.trust;

import com.google.common.net.InetAddresses;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which peers may say where a request came from ({@code DROVER_TRUSTED_PROXIES}: addresses or CIDR ranges,
 * comma-separated; default none). From anyone else, {@code X-Forwarded-For} is ignored: a client could write
 * any address there.
 */
public final class TrustedProxies {
    public static final String ENV = "DROVER_TRUSTED_PROXIES";

    private record Range(byte[] network, int bits) {
        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((bytes[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Range> ranges;

    public TrustedProxies(String list) {
        List<Range> parsed = new ArrayList<>();
        for (String entry : list.split(",")) {
            String value = entry.trim();
            if (value.isEmpty()) {
                continue;
            }
            String[] parts = value.split("/", 2);
            Optional<InetAddress> address = literal(parts[0]);
            int max = address.map(a -> a.getAddress().length * 8).orElse(0);
            int bits;
            try {
                bits = parts.length == 2 ? Integer.parseInt(parts[1]) : max;
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (address.isEmpty() || bits < 0 || bits > max) {
                throw new IllegalArgumentException(ENV + " entry '" + value + "' is not an IP address or CIDR range");
            }
            parsed.add(new Range(address.get().getAddress(), bits));
        }
        this.ranges = List.copyOf(parsed);
    }

    public static TrustedProxies fromEnvironment(Map<String, String> env) {
        return new TrustedProxies(env.getOrDefault(ENV, ""));
    }

    /**
     * Where the request came from: the TCP peer, or, when the peer is a trusted proxy, the nearest address in
     * {@code X-Forwarded-For} that is not a trusted proxy (read from the right: each proxy appends what it saw).
     * A value that is not an IP address is never taken.
     */
    public String source(String peer, Optional<String> forwardedFor) {
        Optional<InetAddress> peerAddress = literal(peer);
        if (forwardedFor.isEmpty() || peerAddress.isEmpty() || !trusted(peerAddress.get())) {
            return peer;
        }
        String[] hops = forwardedFor.get().split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            Optional<InetAddress> hop = literal(hops[i].trim());
            if (hop.isEmpty()) {
                return peer; // a hop that is no address: nothing left of it can be believed
            }
            if (!trusted(hop.get())) {
                return hop.get().getHostAddress();
            }
        }
        return peer;
    }

    private boolean trusted(InetAddress address) {
        return ranges.stream().anyMatch(r -> r.contains(address));
    }

    /** An IP literal, never a DNS lookup. */
    private static Optional<InetAddress> literal(String value) {
        String bare = value.startsWith("[") && value.endsWith("]") ? value.substring(1, value.length() - 1) : value;
        return InetAddresses.isInetAddress(bare) ? Optional.of(InetAddresses.forString(bare)) : Optional.empty();
    }
}
