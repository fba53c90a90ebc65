package dev.vscan.images;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.function.Function;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The HTTP client's only way from a host name to addresses: each connection looks the name up once here,
 * and gets back exactly the addresses that passed the check, or an exception. Since no other lookup
 * happens between the check and the connect, a DNS server that answers differently the next time (DNS
 * rebinding) cannot steer the connection to an address that was never checked.
 */
final class CheckingDnsResolver implements DnsResolver {

    /** A name lookup; IP literals must come back as themselves, as {@link InetAddress#getAllByName} does. */
    @FunctionalInterface
    interface Lookup {
        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    /**
     * A host resolved to an address this service does not fetch from. It is an {@link UnknownHostException}
     * because that is what the client lets a resolver throw; the fetcher reports it as a refusal.
     */
    static final class NonPublicAddressException extends UnknownHostException {
        private static final long serialVersionUID = 1L;
        private final String host;
        private final String address;
        private final String kind;

        NonPublicAddressException(String host, InetAddress address, String kind) {
            super(host + " resolves to " + address.getHostAddress() + ", a " + kind + " address");
            this.host = host;
            this.address = address.getHostAddress();
            this.kind = kind;
        }

        /** E.g. "host example.test resolves to 127.0.0.1, a loopback address". */
        String describe() {
            return "host " + host + " resolves to " + address + ", a " + kind + " address";
        }
    }

    private final Lookup lookup;
    private final Function<InetAddress, Optional<String>> nonPublicKind;

    /**
     * @param nonPublicKind why an address is refused, e.g. "loopback"; empty accepts it
     *                      ({@link PrivateAddresses#kindOf} in production)
     */
    CheckingDnsResolver(Lookup lookup, Function<InetAddress, Optional<String>> nonPublicKind) {
        this.lookup = lookup;
        this.nonPublicKind = nonPublicKind;
    }

    /** Every address {@code host} resolves to, all checked; one refused address refuses the host. */
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] answer = lookup.lookup(host);
        if (answer == null || answer.length == 0) {
            // never null: the client would hand the name to the socket, which resolves it unchecked
            throw new UnknownHostException(host + " resolves to no address");
        }
        // checked and returned as one copy, so the lookup cannot change what is connected to afterwards
        InetAddress[] addresses = answer.clone();
        for (InetAddress address : addresses) {
            Optional<String> kind = nonPublicKind.apply(address);
            if (kind.isPresent()) {
                throw new NonPublicAddressException(host, address, kind.get());
            }
        }
        return addresses;
    }

    /** Only Kerberos authentication asks for this, and none is configured; answering needs no lookup. */
    @Override
    public String resolveCanonicalHostname(String host) {
        return host;
    }
}
