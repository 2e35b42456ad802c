package org.chatrooms.metrics;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@link ChatMetrics} in a Micrometer {@link PrometheusMeterRegistry}, plus the JVM's metrics and the servlet
 * container's request thread pools (read from JMX, so nothing here needs Tomcat's classes: on a server without
 * those MBeans there are simply no such series). Names follow the field (Centrifugo's {@code centrifugo_node_*}):
 * {@code chat_sockets}, {@code chat_socket_closes_total{code}}, {@code chat_messages_refused_total{reason}}, ...;
 * the README and docs/operations.md list them all.
 *
 * <p>Thread-safe. Owned by the node: {@link #close} unregisters the GC listeners, which would otherwise keep the
 * undeployed application's class loader alive.
 */
public final class PrometheusMetrics implements ChatMetrics, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PrometheusMetrics.class.getName());

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Counter received;
    private final Counter published;
    private final Counter framesSent;
    private final Counter reconnects;
    private final Counter rotations;
    private final Timer publishTime;
    private final Set<ObjectName> threadPools = ConcurrentHashMap.newKeySet();

    public PrometheusMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        received = Counter.builder("chat_messages_received").description("Frames received from clients")
                .register(registry);
        published = Counter.builder("chat_messages_published").description("Messages the relay accepted")
                .register(registry);
        framesSent = Counter.builder("chat_frames_sent").description("Frames queued for writing to sockets")
                .register(registry);
        reconnects = Counter.builder("chat_relay_reconnects").description("Times the relay's Redis connection "
                + "came back after it was lost").register(registry);
        rotations = Counter.builder("chat_stream_epoch_rotations").description("Rooms moved to a new epoch because "
                + "Redis lost or rolled back their stream").register(registry);
        publishTime = Timer.builder("chat_publish").description("From a message's frame arriving to the relay "
                        + "accepting it")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    @Override
    public void watch(IntSupplier sockets, IntSupplier rooms) {
        Gauge.builder("chat_sockets", sockets::getAsInt).description("Open sockets on this node").register(registry);
        Gauge.builder("chat_rooms", rooms::getAsInt).description("Rooms with sockets on this node")
                .register(registry);
    }

    @Override
    public void messageReceived() {
        received.increment();
    }

    @Override
    public void messagePublished(long nanos) {
        published.increment();
        publishTime.record(Duration.ofNanos(nanos));
    }

    @Override
    public void frameSent() {
        framesSent.increment();
    }

    @Override
    public void socketClosed(int code) {
        registry.counter("chat_socket_closes", "code", Integer.toString(code)).increment();
    }

    @Override
    public void messageRefused(String reason) {
        registry.counter("chat_messages_refused", "reason", reason).increment();
    }

    @Override
    public void clientRecovered(boolean complete) {
        registry.counter("chat_client_recover", "recovered", Boolean.toString(complete)).increment();
    }

    @Override
    public void relayReconnected() {
        reconnects.increment();
    }

    @Override
    public void relayDropped(String reason) {
        registry.counter("chat_relay_dropped", "reason", reason).increment();
    }

    @Override
    public void epochRotated() {
        rotations.increment();
    }

    /** The Prometheus text exposition of everything registered. */
    public String scrape() {
        watchThreadPools();
        return registry.scrape();
    }

    /**
     * The container's connector thread pools ({@code *:type=ThreadPool,name=*} in Tomcat), looked up at every scrape
     * because connectors register them after applications start.
     */
    private void watchThreadPools() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            for (ObjectName pool : server.queryNames(new ObjectName("*:type=ThreadPool,*"), null)) {
                if (threadPools.add(pool)) {
                    String raw = pool.getKeyProperty("name");
                    String name = raw == null ? null : raw.startsWith("\"") ? ObjectName.unquote(raw) : raw;
                    poolGauge(server, pool, name, "currentThreadsBusy", "tomcat_threads_busy");
                    poolGauge(server, pool, name, "currentThreadCount", "tomcat_threads_current");
                    poolGauge(server, pool, name, "maxThreads", "tomcat_threads_config_max");
                    poolGauge(server, pool, name, "connectionCount", "tomcat_connections_current");
                    poolGauge(server, pool, name, "maxConnections", "tomcat_connections_config_max");
                }
            }
        } catch (Exception | LinkageError e) {
            LOG.log(Level.FINE, "No container thread pools in JMX", e);
        }
    }

    private void poolGauge(MBeanServer server, ObjectName pool, String name, String attribute, String metric) {
        if (name == null) {
            return;
        }
        Gauge.builder(metric, () -> {
            try {
                return ((Number) server.getAttribute(pool, attribute)).doubleValue();
            } catch (Exception e) {
                return Double.NaN;
            }
        }).tag("name", name).register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
