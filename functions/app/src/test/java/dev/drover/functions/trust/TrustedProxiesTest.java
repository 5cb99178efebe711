package dev.drover.functions.trust;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Where a request came from: X-Forwarded-For counts only through trusted proxies, and only as IP addresses. */
class TrustedProxiesTest {
    private final TrustedProxies proxies = new TrustedProxies("10.0.0.0/8, 192.168.1.5, fd00::/8");

    @Test
    void fromAnUntrustedPeerTheHeaderIsIgnored() {
        assertEquals("203.0.113.9", proxies.source("203.0.113.9", Optional.of("1.2.3.4")));
        assertEquals("203.0.113.9", new TrustedProxies("").source("203.0.113.9", Optional.of("1.2.3.4")));
    }

    @Test
    void throughTrustedProxiesTheNearestUntrustedHopIsTheSource() {
        // the client wrote 6.6.6.6 itself; the first trusted proxy saw 198.51.100.7 and appended it, the second saw the first
        assertEquals("198.51.100.7", proxies.source("10.1.2.3", Optional.of("6.6.6.6, 198.51.100.7, 192.168.1.5")));
        assertEquals("2001:db8:0:0:0:0:0:1", proxies.source("fd00::1", Optional.of("2001:db8::1")));
    }

    @Test
    void aHopThatIsNoAddressIsNeverTaken() {
        assertEquals("10.1.2.3", proxies.source("10.1.2.3", Optional.of("evil.example.com")));
        assertEquals("10.1.2.3", proxies.source("10.1.2.3", Optional.of("1.2.3.4, <script>")));
        assertEquals("10.1.2.3", proxies.source("10.1.2.3", Optional.of("10.9.9.9")), "only trusted hops: the peer");
        // IPv4's short and padded forms, which InetAddress.ofLiteral would read as 10.0.0.1 and 10.1.2.3 (trusted hops)
        assertEquals("10.1.2.3", proxies.source("10.1.2.3", Optional.of("10.1")), "a short form is no address");
        assertEquals("10.1.2.3", proxies.source("10.1.2.3", Optional.of("167772161")), "a number is no address");
        assertEquals("10.1.2.3", proxies.source("10.1.2.3", Optional.of("010.1.2.3")), "leading zeros are no address");
        assertEquals("10.1.2.3", proxies.source("10.1.2.3", Optional.of("256.1.2.3")));
    }

    @Test
    void aMalformedListIsRefusedAtStart() {
        assertThrows(IllegalArgumentException.class, () -> new TrustedProxies("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> new TrustedProxies("proxy.internal"));
        assertThrows(IllegalArgumentException.class, () -> new TrustedProxies("10.1/16"), "IPv4 is written in full");
    }

    @Test
    void theEnvironmentNamesTheProxiesAndNoneAreTrustedByDefault() {
        TrustedProxies none = TrustedProxies.fromEnvironment(java.util.Map.of());
        assertEquals("10.1.2.3", none.source("10.1.2.3", Optional.of("198.51.100.7")));
        TrustedProxies mesh = TrustedProxies.fromEnvironment(java.util.Map.of(TrustedProxies.ENV, "10.0.0.0/8"));
        assertEquals("198.51.100.7", mesh.source("10.1.2.3", Optional.of("198.51.100.7")));
    }

    @Test
    void aPeerInBracketsIsTheAddressWithin() {
        // Helidon writes an IPv6 peer as [addr]
        assertEquals("2001:db8:0:0:0:0:0:7", proxies.source("[fd00::1]", Optional.of("2001:db8::7")));
        assertEquals("[2001:db8::9]", proxies.source("[2001:db8::9]", Optional.of("2001:db8::7")), "untrusted: the peer as it came");
    }
}
