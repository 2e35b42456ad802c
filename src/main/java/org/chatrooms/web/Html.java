package org.chatrooms.web;

import java.io.StringWriter;

import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;

/** Escaping for values that JSP pages print; EL in JSP does not escape on its own. */
public final class Html {

    private static final JsonProvider JSON = JsonProvider.provider();

    private Html() {
    }

    /** Text for an HTML element or a quoted attribute. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * A JSON string literal safe inside {@code <script type="application/json">}: {@code <}, {@code >} and
     * {@code &} become {@code \\u003C}, {@code \\u003E}, {@code \\u0026}, as Django's {@code json_script} does, so no
     * value can close the script element or open a comment.
     */
    public static String jsonForScript(String value) {
        return jsonForScript(JSON.createValue(value));
    }

    /** Any JSON value (e.g. a page's configuration object), escaped the same way. */
    public static String jsonForScript(JsonValue value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.write(value);
        }
        return out.toString().replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026");
    }
}
