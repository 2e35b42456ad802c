package org.chatrooms.socket;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * Who is connecting, for the per-address cap: the TCP peer, unless it is one of {@code CHAT_TRUSTED_PROXIES}; then
 * the right-most address in {@code X-Forwarded-For} that is not a trusted proxy (the left part of that header is
 * whatever the client wrote). Behind a proxy that nobody listed, every client has the proxy's address, so the cap
 * then limits the proxy as a whole; list it.
 *
 * <p>The handshake filter finds the address and hands it, with the request, to the container's upgrade, where
 * {@code modifyHandshake} reads it from a header of ours ({@link #HEADER}); the header a client may have sent
 * itself is never seen. Immutable.
 */
final class ClientAddress {

    /** The header through which the filter tells {@code modifyHandshake} the client's address. */
    static final String HEADER = "X-Chatrooms-Client-Address";

    private final Set<String> trustedProxies;

    ClientAddress(List<String> trustedProxies) {
        this.trustedProxies = Set.copyOf(trustedProxies);
    }

    String of(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        if (!trustedProxies.contains(peer)) {
            return peer;
        }
        String forwarded = request.getHeader("X-Forwarded-For");
        if (forwarded == null) {
            return peer;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
                return hop.length() > 64 ? hop.substring(0, 64) : hop;
            }
        }
        return peer;
    }

    /** {@code request} carrying {@code address} in {@link #HEADER}, whatever the client sent under that name. */
    static HttpServletRequest attach(HttpServletRequest request, String address) {
        return new HttpServletRequestWrapper(request) {
            @Override
            public String getHeader(String name) {
                return HEADER.equalsIgnoreCase(name) ? address : super.getHeader(name);
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return HEADER.equalsIgnoreCase(name)
                        ? Collections.enumeration(List.of(address)) : super.getHeaders(name);
            }

            @Override
            public Enumeration<String> getHeaderNames() {
                List<String> names = Collections.list(super.getHeaderNames());
                names.removeIf(HEADER::equalsIgnoreCase);
                names.add(HEADER);
                return Collections.enumeration(names);
            }
        };
    }
}
