package dev.vscan.images;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Tells addresses that belong to the local host or a private network from public ones, so that a
 * request cannot make the service fetch from its own infrastructure. IPv6 forms that carry an IPv4
 * address (mapped, compatible, 6to4, NAT64) are judged by the IPv4 address inside.
 */
public final class PrivateAddresses {

    private PrivateAddresses() {
    }

    /** What kind of non-public address {@code address} is, e.g. "loopback"; empty for a public address. */
    public static Optional<String> kindOf(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return Optional.of("unspecified (any-local)");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("loopback");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("link-local");
        }
        if (address.isSiteLocalAddress()) {
            return Optional.of("private (site-local)");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("multicast");
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return ipv4Kind(b);
        }
        if (address instanceof Inet6Address) {
            return ipv6Kind(b);
        }
        return Optional.empty();
    }

    private static Optional<String> ipv4Kind(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 0) {
            return Optional.of("this-network (0.0.0.0/8)");
        }
        if (first == 100 && (second & 0xc0) == 64) {
            return Optional.of("carrier-grade NAT (100.64.0.0/10)");
        }
        if (first == 255 && second == 255 && (b[2] & 0xff) == 255 && (b[3] & 0xff) == 255) {
            return Optional.of("broadcast");
        }
        return Optional.empty();
    }

    private static Optional<String> ipv6Kind(byte[] b) {
        if ((b[0] & 0xfe) == 0xfc) {
            return Optional.of("unique local (fc00::/7)");
        }
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
            return Optional.of("site-local (fec0::/10)");
        }
        if (allZero(b, 0, 10) && ((b[10] & b[11] & 0xff) == 0xff || (b[10] | b[11]) == 0)) {
            return embedded(b, 12, "IPv4-mapped or -compatible");
        }
        if ((b[0] & 0xff) == 0x20 && b[1] == 0x02) {
            return embedded(b, 2, "6to4");
        }
        if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                && allZero(b, 4, 12)) {
            return embedded(b, 12, "NAT64");
        }
        return Optional.empty();
    }

    private static Optional<String> embedded(byte[] b, int from, String form) {
        byte[] v4 = {b[from], b[from + 1], b[from + 2], b[from + 3]};
        try {
            return kindOf(InetAddress.getByAddress(v4)).map(kind -> kind + ", inside a " + form + " IPv6 address");
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes always make an IPv4 address", e);
        }
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
