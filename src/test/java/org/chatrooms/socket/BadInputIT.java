package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.json.JsonObject;

import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.Deployments;
import org.chatrooms.testing.Http;
import org.chatrooms.testing.RawWebSocket;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every kind of bad input: the sender gets an error frame or a close with the fitting code, and a bystander in
 * the same room notices nothing and keeps chatting.
 */
@ExtendWith(ArquillianExtension.class)
@Timeout(60)
class BadInputIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar(Map.of());
    }

    @ArquillianResource
    private URL base;

    private ChatClient bystander;

    private URI ws() {
        return Http.toWebSocket(URI.create(base.toString()));
    }

    @BeforeEach
    void bystanderJoins() {
        bystander = ChatClient.join(ws(), "bad_input");
    }

    @AfterEach
    void bystanderNoticedNothingAndStillChats() {
        bystander.say("still fine");
        JsonObject next = bystander.next();
        assertEquals("still fine", next.getString("message"), "bystander saw " + next);
        bystander.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not json at all | invalid_json",
            "{\"message\": | invalid_json",
            "[1,2,3] | not_an_object",
            "\"just a string\" | not_an_object",
            "{} | missing_message",
            "{\"message\": 5} | message_not_string",
            "{\"message\": {\"nested\": true}} | message_not_string",
            "{\"message\": \"\"} | empty_message",
            "{\"message\": \"   \"} | empty_message",
            "{\"message\": \"\\u0000nul\"} | control_character",
            "{\"message\": \"\\u001b[31mred\"} | control_character",
            "{\"message\": \"\\ud83d\"} | invalid_text",
    })
    void malformedFramesGetAnErrorFrame(String frame, String code) {
        try (ChatClient sender = ChatClient.join(ws(), "bad_input")) {
            sender.sendRaw(frame);
            JsonObject error = sender.next();
            assertEquals("error", error.getString("type"));
            assertEquals(code, error.getString("code"));
            assertEquals(false, error.getString("message").isBlank());
            // the sender's socket stays usable
            sender.say("recovered");
            assertEquals("recovered", sender.nextChat().getString("message"));
            assertEquals("recovered", bystander.nextChat().getString("message"));
        }
    }

    @Test
    void deeplyNestedJsonIsRefusedWithoutHarm() {
        try (ChatClient sender = ChatClient.join(ws(), "bad_input")) {
            sender.sendRaw("{\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + ",\"message\":\"hi\"}");
            assertEquals("too_deep", sender.next().getString("code"));
        }
    }

    @Test
    void aMessageOverTheTextLimitGetsAnErrorFrame() {
        try (ChatClient sender = ChatClient.join(ws(), "bad_input")) {
            sender.say("x".repeat(4097));
            assertEquals("message_too_long", sender.next().getString("code"));
            sender.say("x".repeat(4096));
            assertEquals(4096, sender.nextChat().getString("message").length());
            assertEquals(4096, bystander.nextChat().getString("message").length());
        }
    }

    /** Python's {@code json.dumps} escapes every non-ASCII character: 4096 of them make a 24 Ki-character frame. */
    @Test
    void aLongFrameOfEscapedTextWithinTheLimitIsAccepted() {
        try (ChatClient sender = ChatClient.join(ws(), "bad_input")) {
            sender.sendRaw("{\"message\": \"" + "\\u53f0".repeat(4096) + "\"}");
            assertEquals("台".repeat(4096), sender.nextChat().getString("message"));
            assertEquals("台".repeat(4096), bystander.nextChat().getString("message"));
        }
    }

    @Test
    void aFrameOverTheFrameLimitIsClosedWith1009() {
        try (ChatClient sender = ChatClient.join(ws(), "bad_input")) {
            sender.sendRaw("{\"message\":\"" + "x".repeat(70_000) + "\"}");
            // The server closes with 1009 as soon as its buffer is full. The unread rest of the frame can make
            // the kernel reset the connection, and a reset may overtake the close frame: then the client sees
            // 1006. Either way the socket is closed and the bystander (checked after each test) is unharmed.
            int code = sender.awaitClose().code();
            assertTrue(code == 1009 || code == 1006, "closed with " + code);
        }
    }

    @Test
    void binaryFramesAreClosedWith1003() {
        try (ChatClient sender = ChatClient.join(ws(), "bad_input")) {
            sender.sendBinary(new byte[] {1, 2, 3});
            ChatClient.CloseStatus status = sender.awaitClose();
            assertEquals(1003, status.code(), status.toString());
        }
    }

    @Test
    void largeBinaryFramesAreClosedWith1003Too() {
        try (ChatClient sender = ChatClient.join(ws(), "bad_input")) {
            sender.sendBinary(new byte[100_000]);
            // 1003 at the first part; as with oversized text, a reset for the unread rest may overtake it (1006).
            ChatClient.CloseStatus status = sender.awaitClose();
            assertTrue(status.code() == 1003 || status.code() == 1006, status.toString());
        }
    }

    @Test
    void invalidUtf8IsClosedWith1007() throws Exception {
        try (RawWebSocket raw = RawWebSocket.open(ws().resolve("ws/chat/bad_input/"), 0)) {
            byte[] prefix = "{\"message\":\"".getBytes(StandardCharsets.US_ASCII);
            byte[] frame = new byte[prefix.length + 4];
            System.arraycopy(prefix, 0, frame, 0, prefix.length);
            frame[prefix.length] = (byte) 0xC3; // a lead byte followed by ASCII: not UTF-8
            frame[prefix.length + 1] = 'x';
            frame[prefix.length + 2] = '"';
            frame[prefix.length + 3] = '}';
            raw.sendFrame(RawWebSocket.OP_TEXT, frame);
            assertEquals(1007, raw.readUntilClose());
        }
    }
}
