package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;

import org.junit.jupiter.api.Test;

/** The outbound queue's rules, against a peer whose writes complete only when the test says so. */
class ClientConnectionTest {

    /** Records writes; a write stays "on the wire" until {@link #complete()} is called. */
    static class ManualPeer implements ClientConnection.Peer {
        final List<String> written = new ArrayList<>();
        final List<SendHandler> inFlight = new ArrayList<>();
        volatile CloseReason closedWith;
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public String id() {
            return "manual";
        }

        @Override
        public synchronized void sendText(String frame, SendHandler done) {
            if (!inFlight.isEmpty()) {
                throw new IllegalStateException("TEXT_FULL_WRITING: two writes at once");
            }
            written.add(frame);
            inFlight.add(done);
        }

        /** Completes the write on the wire; false when there is none. */
        boolean complete() {
            SendHandler done;
            synchronized (this) {
                if (inFlight.isEmpty()) {
                    return false;
                }
                done = inFlight.remove(0);
            }
            done.onResult(new SendResult());
            return true;
        }

        @Override
        public synchronized void sendPing(java.nio.ByteBuffer payload) {
            if (!inFlight.isEmpty()) {
                throw new IllegalStateException("a ping while a write is in flight");
            }
            written.add("(ping)");
        }

        @Override
        public void close(CloseReason reason) {
            closedWith = reason;
            closed.countDown();
        }
    }

    private final ExecutorService closer = Executors.newSingleThreadExecutor();

    private static ClientConnection.Limits chars(long maxChars) {
        return new ClientConnection.Limits(maxChars, TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    void writesOneFrameAtATimeInOrder() {
        ManualPeer peer = new ManualPeer();
        ClientConnection client = new ClientConnection(peer, chars(10), closer);
        client.send("1");
        client.send("2");
        client.send("3");
        assertEquals(List.of("1"), peer.written);
        peer.complete();
        assertEquals(List.of("1", "2"), peer.written);
        peer.complete();
        peer.complete();
        assertEquals(List.of("1", "2", "3"), peer.written);
        client.send("4");
        assertEquals(List.of("1", "2", "3", "4"), peer.written);
    }

    @Test
    void closesAClientWhoseQueueHoldsTooMuchWith1013() throws InterruptedException {
        ManualPeer peer = new ManualPeer();
        ClientConnection client = new ClientConnection(peer, chars(16), closer);
        client.send("on the wire");
        client.send("queued 1");
        client.send("queued 2");
        assertNull(peer.closedWith, "16 characters wait: at the limit, not over it");
        client.send("x");
        assertTrue(peer.closed.await(5, TimeUnit.SECONDS));
        assertEquals(CloseCodes.TRY_AGAIN_LATER, peer.closedWith.getCloseCode());
        peer.complete();
        client.send("after close");
        assertEquals(List.of("on the wire"), peer.written);
    }

    @Test
    void closesAClientWhoseOldestFrameWaitedTooLongWith1013() throws InterruptedException {
        ManualPeer peer = new ManualPeer();
        long second = TimeUnit.SECONDS.toNanos(1);
        ClientConnection client = new ClientConnection(peer, new ClientConnection.Limits(1_000_000, 10 * second),
                closer);
        client.send("on the wire", 0);
        client.send("queued at 1 s", second);
        client.send("at 11 s: the oldest waited exactly 10 s", 11 * second);
        assertNull(peer.closedWith);
        client.send("at 11.5 s", 11 * second + second / 2);
        assertTrue(peer.closed.await(5, TimeUnit.SECONDS));
        assertEquals(CloseCodes.TRY_AGAIN_LATER, peer.closedWith.getCloseCode());
    }

    @Test
    void aBurstThatTheReaderDrainsNeverClosesIt() {
        ManualPeer peer = new ManualPeer();
        ClientConnection client = new ClientConnection(peer, chars(1 << 20), closer);
        for (int burst = 0; burst < 5; burst++) {
            for (int i = 0; i < 2_000; i++) {
                client.send("twenty characters!!!");
            }
            while (peer.complete()) {
                // the reader drains the burst
            }
        }
        assertNull(peer.closedWith, "10,000 frames in bursts of 2,000: far more than a frame count allowed");
        assertEquals(10_000, peer.written.size());
    }

    @Test
    void framesQueuedBeforeTheSessionExistsAreWrittenOnceItIsAttached() {
        ClientConnection client = new ClientConnection(chars(100), closer);
        client.send("history 1");
        client.send("history 2");
        ManualPeer peer = new ManualPeer();
        client.attach(peer);
        assertEquals(List.of("history 1"), peer.written);
        peer.complete();
        client.send("live");
        peer.complete();
        assertEquals(List.of("history 1", "history 2", "live"), peer.written);
    }

    @Test
    void aPingWaitsForTheWriteInFlightAndTheFramesBeforeIt() {
        ManualPeer peer = new ManualPeer();
        ClientConnection client = new ClientConnection(peer, chars(1000), closer);
        client.send("1");
        client.send("2");
        client.ping(Runnable::run);
        client.send("3");
        peer.complete();
        assertEquals(List.of("1", "2"), peer.written);
        peer.complete(); // "2" done: the ping goes out, blocking, then "3"
        assertEquals(List.of("1", "2", "(ping)", "3"), peer.written);
        peer.complete();
        client.ping(Runnable::run); // idle: written at once, on the given executor
        assertEquals(List.of("1", "2", "(ping)", "3", "(ping)"), peer.written);
    }

    @Test
    void concurrentSendersNeverWriteTwiceAtOnceAndKeepTheirOrder() throws InterruptedException {
        int threads = 4;
        int perThread = 2_000;
        CountDownLatch allWritten = new CountDownLatch(threads * perThread);
        ExecutorService completer = Executors.newSingleThreadExecutor();
        ManualPeer peer = new ManualPeer() {
            @Override
            public synchronized void sendText(String frame, SendHandler done) {
                super.sendText(frame, done); // throws if a write is already in flight
                allWritten.countDown();
                completer.execute(this::complete); // like a container's write-completion thread
            }
        };
        ClientConnection client = new ClientConnection(peer, chars(threads * perThread * 16L), closer);
        for (int t = 0; t < threads; t++) {
            int sender = t;
            new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    client.send(sender + ":" + i);
                }
            }).start();
        }
        assertTrue(allWritten.await(30, TimeUnit.SECONDS), "frames written: " + peer.written.size());
        completer.shutdown();
        assertNull(peer.closedWith);
        int[] nextPerSender = new int[threads];
        synchronized (peer) {
            for (String frame : peer.written) {
                String[] parts = frame.split(":");
                int sender = Integer.parseInt(parts[0]);
                assertEquals(nextPerSender[sender]++, Integer.parseInt(parts[1]), "order of sender " + sender);
            }
        }
    }
}
