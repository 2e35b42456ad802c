package org.chatrooms.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain HTTP GETs for tests: no redirects followed, a timeout on every request. */
public final class Http {

    /**
     * HTTP/1.1, as browsers speak to a server without TLS. (The JDK client would otherwise offer an upgrade to
     * cleartext HTTP/2, which Payara accepts and then maps percent-encoded UTF-8 paths wrongly: 404.)
     */
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(ChatClient.TIMEOUT)
            .build();

    private Http() {
    }

    public static HttpResponse<String> get(URI uri) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(uri).timeout(ChatClient.TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static int status(URI uri) {
        return get(uri).statusCode();
    }

    /** {@code http://host:port/...} to {@code ws://host:port/...} */
    public static URI toWebSocket(URI http) {
        return URI.create("ws" + http.toString().substring("http".length()));
    }
}
