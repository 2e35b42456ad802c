package org.chatrooms.web;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.Set;

/**
 * The pages' words in one language, English or Traditional Chinese, chosen from {@code Accept-Language}. A map
 * so that JSPs read it with EL ({@code ${text['room.send']}}); keys starting with {@code js.} are also handed to
 * the page scripts as JSON ({@link #forScript()}). A missing key shows as {@code ??key??} instead of vanishing.
 *
 * <p>Texts live in {@code messages*.properties} beside this class, read as UTF-8 (the default since Java 9).
 */
public final class UiText extends AbstractMap<String, String> {

    static final String BUNDLE = "org.chatrooms.web.messages";
    public static final Locale ENGLISH = Locale.ENGLISH;
    public static final Locale TRADITIONAL_CHINESE = Locale.TAIWAN;

    private static final UiText EN = load(ENGLISH);
    private static final UiText ZH_TW = load(TRADITIONAL_CHINESE);

    private final Locale locale;
    private final Map<String, String> texts;

    private UiText(Locale locale, Map<String, String> texts) {
        this.locale = locale;
        this.texts = texts;
    }

    /**
     * The language for an {@code Accept-Language} header: its most preferred language we have, else English.
     * Every Chinese range ({@code zh}, {@code zh-TW}, {@code zh-HK}, even {@code zh-CN}) gets Traditional Chinese,
     * the only Chinese we have: closer to a Chinese reader than English is.
     */
    public static UiText forAcceptLanguage(String header) {
        if (header == null || header.isBlank()) {
            return EN;
        }
        List<Locale.LanguageRange> ranges;
        try {
            ranges = Locale.LanguageRange.parse(header);
        } catch (IllegalArgumentException malformed) {
            return EN;
        }
        for (Locale.LanguageRange range : ranges) {
            if (range.getWeight() <= 0) {
                continue;
            }
            String language = range.getRange().split("-", 2)[0];
            if (language.equals("zh")) {
                return ZH_TW;
            }
            if (language.equals("en")) {
                return EN;
            }
        }
        return EN;
    }

    public Locale locale() {
        return locale;
    }

    /** The BCP 47 tag for {@code <html lang>}: {@code en} or {@code zh-TW} (which also picks the CJK TC font). */
    public String languageTag() {
        return locale.toLanguageTag();
    }

    /** The {@code js.*} texts without their prefix, for the page scripts. */
    public Map<String, String> forScript() {
        Map<String, String> script = new LinkedHashMap<>();
        texts.forEach((key, value) -> {
            if (key.startsWith("js.")) {
                script.put(key.substring(3), value);
            }
        });
        return script;
    }

    @Override
    public String get(Object key) {
        String text = texts.get(key);
        return text != null ? text : "??" + key + "??";
    }

    @Override
    public boolean containsKey(Object key) {
        return texts.containsKey(key);
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return texts.entrySet();
    }

    private static UiText load(Locale locale) {
        // No fallback to the JVM's default locale: a server running in zh_CN must still serve English as English.
        ResourceBundle bundle = ResourceBundle.getBundle(BUNDLE, locale,
                UiText.class.getClassLoader(), ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        Map<String, String> texts = new LinkedHashMap<>();
        for (String key : Collections.list(bundle.getKeys())) {
            texts.put(key, bundle.getString(key));
        }
        return new UiText(locale, Collections.unmodifiableMap(texts));
    }
}
