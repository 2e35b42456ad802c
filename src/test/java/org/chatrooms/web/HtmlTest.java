package org.chatrooms.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void escapesMarkupCharacters() {
        assertEquals("&lt;img src=x onerror=&quot;a&#39;&quot;&gt; &amp;", Html.escape("<img src=x onerror=\"a'\"> &"));
    }

    @Test
    void jsonForScriptCannotCloseTheScriptElement() {
        assertEquals("\"\\u003C/script\\u003E\\u003C!-- \\u0026 \\\"q\\\" 台\"",
                Html.jsonForScript("</script><!-- & \"q\" 台"));
    }
}
