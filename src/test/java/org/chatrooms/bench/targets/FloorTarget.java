package org.chatrooms.bench.targets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** The {@link FloorServer} in this JVM: the load tool's own ceiling, and the cheapest possible server. */
public final class FloorTarget implements Target {

    private final FloorServer floor;
    private final InetSocketAddress address;

    private FloorTarget(FloorServer floor) throws IOException {
        this.floor = floor;
        this.address = floor.address();
    }

    public static FloorTarget start() throws IOException {
        FloorServer floor = FloorServer.start();
        try {
            return new FloorTarget(floor);
        } catch (IOException | RuntimeException e) {
            close(floor);
            throw e;
        }
    }

    @Override
    public String key() {
        return "floor";
    }

    @Override
    public String description() {
        return "floor: one-thread NIO broadcast server in the benchmark's JVM, no relay";
    }

    @Override
    public List<InetSocketAddress> nodes() {
        return List.of(address);
    }

    @Override
    public Map<String, CpuMeter> cpu() {
        return Map.of("floor thread", floor::cpuNanos);
    }

    @Override
    public boolean inThisJvm() {
        return true;
    }

    @Override
    public void close() {
        close(floor);
    }

    private static void close(FloorServer floor) {
        try {
            floor.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
