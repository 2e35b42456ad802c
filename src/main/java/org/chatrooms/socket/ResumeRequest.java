package org.chatrooms.socket;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.chatrooms.relay.HistoryFilter;

/**
 * Where a connecting client wants its stream to start, from the socket URL's query: {@code ?since=<id>} and
 * optionally {@code &epoch=<epoch>} (both as the last {@code chat.message} it showed had them) to resume; neither
 * to start with the room's recent history. A malformed position is reported ({@link #problem}) and the client
 * starts as a new one, never refused. Immutable.
 *
 * @param epoch   the position's epoch, if given
 * @param since   the position's id, if given
 * @param problem why the query's position was ignored, or null
 */
public record ResumeRequest(Optional<String> epoch, Optional<Long> since, String problem) {

    static final int MAX_EPOCH_CHARS = 64;

    /** Reads the handshake's query parameters (as {@code HandshakeRequest.getParameterMap()} gives them). */
    public static ResumeRequest from(Map<String, List<String>> parameters) {
        Optional<String> since = last(parameters, "since");
        Optional<String> epoch = last(parameters, "epoch");
        if (since.isEmpty()) {
            return epoch.isEmpty() ? fresh()
                    : invalid("\"epoch\" needs \"since\", the id of the last message you have.");
        }
        long id;
        try {
            id = Long.parseLong(since.get());
        } catch (NumberFormatException e) {
            return invalid("\"since\" must be the id of the last message you have, a whole number.");
        }
        if (id < 0) {
            return invalid("\"since\" must not be negative.");
        }
        if (epoch.isPresent() && !isEpoch(epoch.get())) {
            return invalid("\"epoch\" must be the epoch of the last message you have, as the server sent it.");
        }
        return new ResumeRequest(epoch, Optional.of(id), null);
    }

    public static ResumeRequest fresh() {
        return new ResumeRequest(Optional.empty(), Optional.empty(), null);
    }

    /** What to read from the history for this start: after the position, or the newest {@code limit}. */
    public HistoryFilter filter(int limit) {
        return new HistoryFilter(epoch, since, limit);
    }

    private static ResumeRequest invalid(String why) {
        return new ResumeRequest(Optional.empty(), Optional.empty(), why + " Showing the most recent messages.");
    }

    private static Optional<String> last(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }

    private static boolean isEpoch(String value) {
        return !value.isEmpty() && value.length() <= MAX_EPOCH_CHARS
                && value.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.');
    }
}
