package org.chatrooms.bench.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Connection events of the whole load tool over its life, by outcome: opened, refused (why), ended (how). */
public final class ToolCounters {

    final LongAdder opened = new LongAdder();
    final LongAdder pings = new LongAdder();
    private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> ended = new ConcurrentHashMap<>();

    void refused(String why) {
        refused.computeIfAbsent(why, w -> new LongAdder()).increment();
    }

    /** A socket the server (or the network) ended, e.g. "close 1013" or "reset". */
    void ended(String how) {
        ended.computeIfAbsent(how, h -> new LongAdder()).increment();
    }

    public long opened() {
        return opened.sum();
    }

    public long pings() {
        return pings.sum();
    }

    public long refusedTotal() {
        return refused.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public Map<String, Long> refused() {
        return snapshot(refused);
    }

    public Map<String, Long> ended() {
        return snapshot(ended);
    }

    public long endedTotal() {
        return ended.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counts) {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((name, count) -> copy.put(name, count.sum()));
        return copy;
    }
}
