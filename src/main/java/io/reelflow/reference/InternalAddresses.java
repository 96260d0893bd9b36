package io.reelflow.reference;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Which addresses a URL from a campaign may not reach: loopback, private, link-local (cloud metadata), carrier-grade
 * NAT, unique-local, multicast, documentation, benchmarking and reserved ranges, also when written inside an IPv6
 * address (IPv4-mapped, IPv4-compatible, NAT64 and 6to4 forms) or tunnelled (Teredo, local-use NAT64).
 */
final class InternalAddresses {

    private InternalAddresses() {
    }

    /** Why {@code address} must not be fetched from, or null when it is a public address. */
    static String why(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isAnyLocalAddress()) {
            return "wildcard";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local (cloud metadata)";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        byte[] b = address.getAddress();
        return address instanceof Inet4Address ? notPublic4(b) : notPublic6(b);
    }

    private static String notPublic4(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        int third = b[2] & 0xff;
        if (first == 0 || first >= 240) {
            return "reserved";
        }
        if (first == 10 || first == 127 || (first == 172 && second >= 16 && second <= 31)
                || (first == 192 && second == 168)) {
            return first == 127 ? "loopback" : "private";
        }
        if (first == 169 && second == 254) {
            return "link-local (cloud metadata)";
        }
        if (first == 100 && second >= 64 && second <= 127) {
            return "carrier-grade NAT";
        }
        if (first == 192 && second == 0 && third == 0) {
            return "reserved";
        }
        if ((first == 192 && second == 0 && third == 2) || (first == 198 && second == 51 && third == 100)
                || (first == 203 && second == 0 && third == 113)) {
            return "documentation";
        }
        if (first == 198 && (second == 18 || second == 19)) {
            return "benchmarking";
        }
        if (first == 192 && second == 88 && third == 99) {
            return "6to4 relay";
        }
        if (first >= 224) {
            return "multicast";
        }
        return null;
    }

    private static String notPublic6(byte[] b) {
        if ((b[0] & 0xfe) == 0xfc) {
            return "unique-local (private)";
        }
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
            return "link-local (cloud metadata)";
        }
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8) {
            return "documentation";
        }
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
            return "Teredo tunnel";
        }
        if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && b[4] == 0 && b[5] == 1) {
            return "local-use NAT64";
        }
        if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return inner(b, 12, "IPv4-mapped");
        }
        if (zero(b, 0, 12)) {
            // ::a.b.c.d, the deprecated IPv4-compatible form (:: and ::1 are caught above).
            return inner(b, 12, "IPv4-compatible");
        }
        if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zero(b, 4, 12)) {
            return inner(b, 12, "NAT64");
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return inner(b, 2, "6to4");
        }
        return null;
    }

    /** The verdict on the IPv4 address written at {@code from} inside an IPv6 address. */
    private static String inner(byte[] b, int from, String form) {
        String why = notPublic4(java.util.Arrays.copyOfRange(b, from, from + 4));
        return why == null ? null : why + " (" + form + ")";
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
