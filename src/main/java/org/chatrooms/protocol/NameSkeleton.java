package org.chatrooms.protocol;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;

/**
 * What a display name looks like, reduced to compare names that people would read as the same: NFKC (full-width
 * and other compatibility forms become plain letters), lower case, common Cyrillic and Greek look-alikes mapped
 * to the Latin letters they imitate, {@code 0} to {@code o}, {@code 1 I l i} to {@code l}, and spaces and
 * {@code _ - . ' ·} dropped. A small table, not Unicode's full confusables list (UTS #39): it catches the usual
 * tricks ({@code аlice} with a Cyrillic а, {@code ALICE}, {@code al1ce}, {@code a.lice}) and is easy to review.
 * Used for one rule (docs/presence.md): a guest may not take a name whose skeleton equals a verified name present
 * in the room. Stateless.
 */
public final class NameSkeleton {

    private static final Map<Integer, Character> LOOK_ALIKES = table(
            // Cyrillic
            "а", 'a', "в", 'b', "е", 'e', "ё", 'e', "һ", 'h', "н", 'h', "і", 'l', "ї", 'l', "ӏ", 'l', "ј", 'j',
            "к", 'k', "м", 'm', "о", 'o', "р", 'p', "с", 'c', "ѕ", 's', "т", 't', "у", 'y', "х", 'x', "ԁ", 'd',
            "ԛ", 'q', "ԝ", 'w', "ɡ", 'g',
            // Greek
            "α", 'a', "β", 'b', "ε", 'e', "η", 'n', "ι", 'l', "κ", 'k', "μ", 'u', "ν", 'v', "ο", 'o', "ρ", 'p',
            "τ", 't', "υ", 'u', "χ", 'x', "ζ", 'z', "ω", 'w',
            // Latin and digits that pass for each other
            "0", 'o', "1", 'l', "i", 'l', "ı", 'l', "|", 'l');
    private static final String DROPPED = " _-.'\u00B7";

    private NameSkeleton() {
    }

    public static String of(String name) {
        String folded = Normalizer.normalize(name, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        // Lower case again after NFKC: some compatibility characters decompose into capitals.
        folded = Normalizer.normalize(folded, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(folded.length());
        folded.codePoints().forEach(c -> {
            int type = Character.getType(c);
            if (DROPPED.indexOf(c) >= 0 || type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK) {
                return; // accents are dropped too: "alíce" passes for "alice"
            }
            Character latin = LOOK_ALIKES.get(c);
            if (latin != null) {
                out.append(latin.charValue());
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /** Whether a reader could take {@code a} for {@code b}. */
    public static boolean looksLike(String a, String b) {
        return of(a).equals(of(b));
    }

    private static Map<Integer, Character> table(Object... pairs) {
        java.util.HashMap<Integer, Character> map = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(((String) pairs[i]).codePointAt(0), (Character) pairs[i + 1]);
        }
        return Map.copyOf(map);
    }
}
