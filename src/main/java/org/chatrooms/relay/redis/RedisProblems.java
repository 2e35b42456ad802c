package org.chatrooms.relay.redis;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import javax.net.ssl.SSLException;

import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Turns what Jedis throws into one line an operator can act on. Jedis's own messages are often a bare
 * "Unexpected end of stream" or a nested {@code ConnectException}; the log should say which setting to check.
 */
final class RedisProblems {

    private RedisProblems() {
    }

    /**
     * A sentinel refused to answer for lack of the right password: says so, rather than blaming the data nodes'
     * settings for the NOAUTH or WRONGPASS it carries.
     */
    static final class SentinelRefusal extends JedisException {
        SentinelRefusal(String sentinel, JedisException refusal) {
            super("sentinel " + sentinel + " refused the relay (" + refusal.getMessage()
                    + "): CHAT_REDIS_SENTINEL_PASSWORD must be the sentinels' own requirepass", refusal);
        }
    }

    static String describe(Throwable problem, RedisRelayConfig config) {
        for (Throwable cause : causes(problem)) {
            if (cause instanceof SentinelRefusal) {
                return cause.getMessage();
            }
        }
        String where = config.host() + ":" + config.port();
        // Jedis's Cluster client tries every seed and keeps each one's refusal as a suppressed exception.
        String redisError = String.valueOf(causes(problem).stream().filter(RedisProblems::isRefusedLogin)
                .findFirst().orElse(problem).getMessage());
        boolean oneServer = config.topology() instanceof RedisTopology.Standalone;
        if (redisError.startsWith("NOAUTH")) {
            return oneServer
                    ? "Redis requires a password and CHAT_REDIS_URL has none (write redis://:password@" + where + ")"
                    : "Redis requires a password and CHAT_REDIS_PASSWORD is not set";
        }
        if (redisError.startsWith("NOPERM")) {
            return "the Redis user lacks a permission the chat needs (" + redisError + "); it needs "
                    + "SUBSCRIBE, PUBLISH, PUBSUB, EVALSHA, SCRIPT and PING on the prefix's keys and channels";
        }
        if (redisError.startsWith("WRONGPASS")
                || causes(problem).stream().anyMatch(JedisAccessControlException.class::isInstance)) {
            // Sentinel and Cluster take credentials from their own settings (RedisRelayConfig.fromSettings).
            return "Redis refused the user name or password in "
                    + (oneServer ? "CHAT_REDIS_URL" : "CHAT_REDIS_USER / CHAT_REDIS_PASSWORD") + " (" + redisError + ")";
        }
        for (Throwable cause : causes(problem)) {
            if (cause instanceof ConnectException) {
                return "cannot connect to " + where + " (" + cause.getMessage() + ")";
            }
            if (cause instanceof UnknownHostException) {
                return "unknown host " + config.host();
            }
            if (cause instanceof SocketTimeoutException) {
                return "no answer from " + where + " within " + config.timings().ioTimeout().toMillis() + " ms";
            }
            if (cause instanceof SSLException) {
                return "TLS with " + where + " failed (" + cause.getMessage() + ")";
            }
        }
        if (redisError.startsWith("Failed to connect")) {
            return "cannot connect to " + where + " (refused or unreachable)";
        }
        if (redisError.contains("Unexpected end of stream")) {
            return "Redis at " + where + " closed the connection";
        }
        return problem.getClass().getSimpleName() + ": " + redisError;
    }

    /** Problems that retrying will not fix until someone changes a setting; logged as SEVERE. */
    static boolean isConfigurationError(Throwable problem) {
        for (Throwable cause : causes(problem)) {
            if (isRefusedLogin(cause) || cause instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    /** Redis refused the credentials or a permission: a matter of settings, not of the network. */
    private static boolean isRefusedLogin(Throwable problem) {
        String message = String.valueOf(problem.getMessage());
        return problem instanceof JedisAccessControlException || message.startsWith("NOAUTH")
                || message.startsWith("WRONGPASS") || message.startsWith("NOPERM");
    }

    /** The problem, its causes, and what they suppressed (Jedis tries each address of a host and keeps the rest). */
    private static List<Throwable> causes(Throwable problem) {
        List<Throwable> all = new ArrayList<>();
        for (Throwable cause = problem; cause != null && all.size() < 20; cause = cause.getCause()) {
            all.add(cause);
            all.addAll(List.of(cause.getSuppressed()));
        }
        return all;
    }
}
