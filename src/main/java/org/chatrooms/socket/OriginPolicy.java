package org.chatrooms.socket;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether a browser page from {@code Origin} may open a chat socket, as Django Channels'
 * {@code AllowedHostsOriginValidator} does: the Origin's host name must equal the host name the request was sent
 * to (its {@code Host} header; the port may differ, as behind a load balancer), or match an allow-list entry.
 *
 * <p>Allow-list entries, as in Django's {@code ALLOWED_HOSTS}: a host name ({@code chat.example.com}), a
 * subdomain pattern ({@code .example.com} matches {@code example.com} and every subdomain), {@code *} for any
 * origin, or a full origin ({@code https://chat.example.com:8443}) that must match scheme, host and port exactly.
 *
 * <p>Host names are compared whole and case-insensitively, so {@code 127.0.0.1.evil.example},
 * {@code 127.0.0.1@evil.example} and the opaque origin {@code null} never pass for {@code 127.0.0.1}.
 */
public final class OriginPolicy {

    private final List<String> allowList;
    private final boolean allowMissingOrigin;

    public OriginPolicy(List<String> allowList, boolean allowMissingOrigin) {
        this.allowList = allowList.stream().map(entry -> entry.toLowerCase(Locale.ROOT)).toList();
        this.allowMissingOrigin = allowMissingOrigin;
    }

    /**
     * @param origin     the {@code Origin} header, or null when absent
     * @param hostHeader the {@code Host} header the request was sent with, or null
     */
    public boolean allows(String origin, String hostHeader) {
        if (origin == null || origin.isEmpty()) {
            return allowMissingOrigin;
        }
        Optional<URI> parsed = parseOrigin(origin);
        if (parsed.isEmpty()) {
            return false;
        }
        URI uri = parsed.get();
        String originHost = normaliseHost(uri.getHost());
        if (hostHeader != null && parseHostHeader(hostHeader).filter(originHost::equals).isPresent()) {
            return true;
        }
        String exactOrigin = uri.getScheme().toLowerCase(Locale.ROOT) + "://" + originHost
                + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        return allowList.stream().anyMatch(entry -> matches(entry, originHost, exactOrigin));
    }

    private static boolean matches(String entry, String originHost, String exactOrigin) {
        if (entry.equals("*")) {
            return true;
        }
        if (entry.contains("://")) {
            return entry.equals(exactOrigin);
        }
        if (entry.startsWith(".")) {
            return originHost.endsWith(entry) || originHost.equals(entry.substring(1));
        }
        return normaliseHost(entry).equals(originHost);
    }

    /** An origin is exactly {@code scheme://host[:port]} with an http(s) scheme: no user info, path or query. */
    private static Optional<URI> parseOrigin(String origin) {
        try {
            URI uri = new URI(origin);
            boolean webScheme = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            boolean bare = uri.getRawUserInfo() == null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    && uri.getRawQuery() == null && uri.getRawFragment() == null;
            return webScheme && bare && uri.getHost() != null ? Optional.of(uri) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** The host name of a {@code Host} header such as {@code 127.0.0.1:8000} or {@code [::1]:8000}. */
    static Optional<String> parseHostHeader(String hostHeader) {
        try {
            URI uri = new URI("http://" + hostHeader.trim());
            boolean bare = uri.getRawUserInfo() == null && uri.getRawPath().isEmpty() && uri.getRawQuery() == null;
            return bare && uri.getHost() != null ? Optional.of(normaliseHost(uri.getHost())) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** Lower case, without the trailing dot of a fully qualified name ({@code example.com.}). */
    private static String normaliseHost(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
