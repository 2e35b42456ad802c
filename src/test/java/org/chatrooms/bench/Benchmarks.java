package org.chatrooms.bench;

/**
 * {@code ./mvnw -Pbench}: every benchmark, one after the other, each printing its figures. Nothing is asserted:
 * machines here are shared and noisy, so read the ratios within one run, not absolute numbers across runs.
 */
public final class Benchmarks {

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        FanOutBenchmark.main(args);
        new CrossNodeBench().throughputAndRecovery();
    }
}
