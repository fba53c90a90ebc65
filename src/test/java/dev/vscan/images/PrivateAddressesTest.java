package dev.vscan.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrivateAddressesTest {

    private static Optional<String> kind(String literal) throws UnknownHostException {
        return PrivateAddresses.kindOf(InetAddress.getByName(literal));
    }

    @Test
    void localAndPrivateIpv4RangesAreNamed() throws UnknownHostException {
        assertEquals(Optional.of("loopback"), kind("127.0.0.1"));
        assertEquals(Optional.of("loopback"), kind("127.255.0.9"));
        assertEquals(Optional.of("private (site-local)"), kind("10.1.2.3"));
        assertEquals(Optional.of("private (site-local)"), kind("172.16.0.1"));
        assertEquals(Optional.of("private (site-local)"), kind("172.31.255.255"));
        assertEquals(Optional.of("private (site-local)"), kind("192.168.1.1"));
        assertEquals(Optional.of("link-local"), kind("169.254.169.254")); // cloud metadata
        assertEquals(Optional.of("unspecified (any-local)"), kind("0.0.0.0"));
        assertEquals(Optional.of("this-network (0.0.0.0/8)"), kind("0.1.2.3"));
        assertEquals(Optional.of("multicast"), kind("224.0.0.1"));
        assertEquals(Optional.of("carrier-grade NAT (100.64.0.0/10)"), kind("100.64.0.1"));
        assertEquals(Optional.of("carrier-grade NAT (100.64.0.0/10)"), kind("100.127.255.255"));
        assertEquals(Optional.of("broadcast"), kind("255.255.255.255"));
    }

    @Test
    void neighboursOfPrivateRangesArePublic() throws UnknownHostException {
        assertEquals(Optional.empty(), kind("172.32.0.1"));
        assertEquals(Optional.empty(), kind("100.128.0.1"));
        assertEquals(Optional.empty(), kind("100.63.255.255"));
        assertEquals(Optional.empty(), kind("8.8.8.8"));
        assertEquals(Optional.empty(), kind("2001:4860:4860::8888"));
    }

    @Test
    void ipv6LocalRangesAndEmbeddedIpv4AreNamed() throws UnknownHostException {
        assertEquals(Optional.of("loopback"), kind("::1"));
        assertEquals(Optional.of("unspecified (any-local)"), kind("::"));
        assertEquals(Optional.of("link-local"), kind("fe80::1"));
        assertEquals(Optional.of("unique local (fc00::/7)"), kind("fd12:3456::1"));
        assertEquals(Optional.of("multicast"), kind("ff02::1"));
        assertEquals(Optional.of("loopback"), kind("::ffff:127.0.0.1")); // Java reads this as IPv4
        assertTrue(kind("::10.0.0.1").orElseThrow().startsWith("private (site-local), inside"));
        assertTrue(kind("2002:7f00:1::").orElseThrow().startsWith("loopback, inside a 6to4"));
        assertTrue(kind("64:ff9b::a9fe:a9fe").orElseThrow().startsWith("link-local, inside a NAT64"));
        assertEquals(Optional.empty(), kind("64:ff9b::808:808"));
    }
}
