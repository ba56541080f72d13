package dev.weft.net;

import dev.weft.Hub;
import dev.weft.Suspendable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Host-name lookups that never block a hub: a literal address is parsed where it is, a name is
 * looked up on {@link Hub#blocking}'s pool. Internal.
 */
final class Resolver {
    private Resolver() {
    }

    /** Resolves {@code host} and {@code port}, suspending the caller while a name is looked up. */
    @Suspendable
    static InetSocketAddress resolve(String host, int port) throws UnknownHostException {
        if (host == null) {
            throw new IllegalArgumentException("host must not be null");
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be between 0 and 65535, but was " + port);
        }
        if (isLiteral(host)) {
            // a literal is parsed, not looked up: no need to leave the hub's thread
            return new InetSocketAddress(InetAddress.getByName(host), port);
        }
        InetSocketAddress resolved = Hub.blocking(() -> new InetSocketAddress(host, port));
        if (resolved.isUnresolved()) {
            throw new UnknownHostException(host + ": the name could not be resolved");
        }
        return resolved;
    }

    /** Resolves an unresolved address (see {@link #resolve(String, int)}); returns a resolved one as it is. */
    @Suspendable
    static InetSocketAddress resolve(InetSocketAddress address) throws UnknownHostException {
        if (address == null) {
            throw new IllegalArgumentException("address must not be null");
        }
        return address.isUnresolved() ? resolve(address.getHostString(), address.getPort()) : address;
    }

    /** True for an IPv4 dotted literal or an IPv6 literal (with or without brackets). */
    static boolean isLiteral(String host) {
        if (host.isEmpty()) {
            return false;
        }
        if (host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return true;
    }
}
