package org.chatrooms.bench.report;

/**
 * Idle sockets on one node: heap after full GCs with none and with {@code sockets} open, and the node's CPU
 * while they sat idle for {@code seconds}.
 */
public record IdleResult(int sockets, long opened, long refused, long heapBefore, long heapAfter,
                         long rssBefore, long rssAfter, double seconds, double idleCpu, long pingsReceived) {

    public double heapPerSocketKiB() {
        return opened == 0 ? 0 : (heapAfter - heapBefore) / 1024.0 / opened;
    }

    public double rssPerSocketKiB() {
        return opened == 0 ? 0 : (rssAfter - rssBefore) / 1024.0 / opened;
    }
}
