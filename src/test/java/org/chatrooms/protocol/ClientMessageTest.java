package org.chatrooms.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The optional {@code "user"} member of a client frame, read by {@link ChatCodec#parseClientMessage}. */
class ClientMessageTest {

    private final ChatCodec codec = new ChatCodec(4096);

    @Test
    void originalFramesHaveNoRequestedName() throws ProtocolException {
        assertEquals(new ClientMessage("hi", null, null), codec.parseClientMessage("{\"message\":\"hi\"}"));
        assertEquals(new ClientMessage("hi", null, null), codec.parseClientMessage("{\"message\":\"hi\",\"user\":null}"));
    }

    @Test
    void readsTheRequestedNameUnchecked() throws ProtocolException {
        ClientMessage parsed = codec.parseClientMessage("{\"user\":\"台積電 fan\",\"message\":\"你好\"}");
        assertEquals("你好", parsed.text());
        assertEquals("台積電 fan", parsed.requestedUser());
        // Rules are DisplayName's job: the principal may override whatever was asked for.
        assertEquals("bad\u0000", codec.parseClientMessage("{\"message\":\"x\",\"user\":\"bad\\u0000\"}").requestedUser());
    }

    @Test
    void refusesANameThatIsNotAString() {
        for (String frame : new String[] {"{\"message\":\"x\",\"user\":1}", "{\"message\":\"x\",\"user\":[\"a\"]}",
                "{\"message\":\"x\",\"user\":{\"name\":\"a\"}}", "{\"message\":\"x\",\"user\":true}"}) {
            ProtocolException refused = assertThrows(ProtocolException.class, () -> codec.parseClientMessage(frame));
            assertEquals("invalid_name", refused.code(), frame);
        }
    }

    @Test
    void messageTextIsStillRequired() {
        ProtocolException refused = assertThrows(ProtocolException.class,
                () -> codec.parseClientMessage("{\"user\":\"Alice\"}"));
        assertEquals("missing_message", refused.code());
    }
}
