package org.chatrooms.web;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which host names this node answers to ({@code CHAT_ALLOWED_HOSTS}), by the rules of Django's
 * {@code ALLOWED_HOSTS}: a request whose {@code Host} header names any other host is refused, so a page from a
 * rebound DNS name ({@code evil.example} pointing at this server) can neither read pages nor open sockets here.
 *
 * <p>Entries, compared case-insensitively with the Host header's name (its port is ignored, and a trailing dot
 * of a fully qualified name dropped): an exact name ({@code chat.example.com}, {@code 127.0.0.1}, an IPv6
 * literal in brackets: {@code [::1]}); a name with a leading dot, which matches the domain and every subdomain
 * ({@code .example.com} matches {@code example.com} and {@code a.b.example.com}); {@code *}, which matches any
 * host. As in Django, a Host header that is not a syntactically valid name ({@code user@host}, a path, an
 * underscore) matches nothing, not even {@code *}.
 *
 * <p>Immutable and thread-safe.
 */
public final class HostPolicy {

    /** Django's {@code host_validation_re}: a name or a bracketed IPv6 literal, then an optional port. */
    private static final Pattern HOST_HEADER = Pattern.compile("([a-z0-9.-]+|\\[[a-f0-9]*:[a-f0-9.:]+])(:[0-9]+)?");
    private static final Pattern ENTRY = Pattern.compile("\\*|\\.?[a-z0-9.-]+|\\[[a-f0-9]*:[a-f0-9.:]+]");
    public static final String SETTING = "CHAT_ALLOWED_HOSTS";

    private final List<String> allowed;
    private final boolean any;

    /**
     * @throws IllegalArgumentException for an entry that could never match a Host header (one with a scheme, a
     *                                  port or a path, say): better refused at start-up than silently useless
     */
    public HostPolicy(List<String> entries) {
        this.allowed = entries.stream().map(HostPolicy::normaliseEntry).toList();
        this.any = allowed.contains("*");
    }

    /** {@code hostHeader}: the request's {@code Host} header, or null when it has none. */
    public boolean allows(String hostHeader) {
        Optional<String> domain = domainOf(hostHeader);
        if (domain.isEmpty()) {
            return false;
        }
        if (any) {
            return true;
        }
        String host = domain.get();
        for (String entry : allowed) {
            boolean match = entry.startsWith(".")
                    ? host.endsWith(entry) || host.equals(entry.substring(1))
                    : host.equals(entry);
            if (match) {
                return true;
            }
        }
        return false;
    }

    /** The lower-case host name of a Host header, without port or trailing dot; empty if it is not valid. */
    static Optional<String> domainOf(String hostHeader) {
        if (hostHeader == null) {
            return Optional.empty();
        }
        Matcher matcher = HOST_HEADER.matcher(hostHeader.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String domain = stripTrailingDot(matcher.group(1));
        return domain.isEmpty() ? Optional.empty() : Optional.of(domain);
    }

    private static String normaliseEntry(String entry) {
        String lower = entry.trim().toLowerCase(Locale.ROOT);
        if (!ENTRY.matcher(lower).matches() || lower.equals(".")) {
            throw new IllegalArgumentException(SETTING + " entries are host names such as chat.example.com,"
                    + " .example.com, 127.0.0.1, [::1] or *, without scheme, port or path; not '" + entry + "'");
        }
        return lower.equals("*") ? lower : stripTrailingDot(lower);
    }

    private static String stripTrailingDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
