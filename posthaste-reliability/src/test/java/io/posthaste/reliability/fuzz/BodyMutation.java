package io.posthaste.reliability.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Ways to break a response's body framing; each yields bytes a strict decoder must refuse. */
enum BodyMutation {
    BAD_CHUNK_SIZE,
    CHUNK_SIZE_FOLLOWED_BY_GARBAGE,
    CHUNK_LONGER_THAN_DECLARED,
    CONTROL_IN_TRAILER,
    SPACE_BEFORE_COLON_IN_TRAILER,
    OBS_FOLD_IN_TRAILER,
    CUT_SHORT;

    private static final List<String> BAD_SIZES =
            List.of("", "g", "-1", "0x5", " 5", "+5", "1111111111111111", ";ext", "\u00b9", "5\u0000");
    private static final List<String> GARBAGE = List.of(" x", "\tjunk", " 0", " =1", "  ,");
    private static final List<String> CONTROLS = List.of("\u0001", "\u0008", "\u000b", "\u001f", "\u007f");

    /**
     * Returns the response's bytes broken this way; a fixed-length response is turned into a
     * chunked one first for the chunk and trailer mutations.
     */
    byte[] apply(HttpResponses.Response response, int choice) {
        HttpResponses.Response chunked = this == CUT_SHORT
                ? response
                : new HttpResponses.Response(
                        response.version(),
                        response.status(),
                        response.reason(),
                        response.headers(),
                        response.connection(),
                        HttpResponses.Framing.CHUNKED,
                        response.body(),
                        List.of(response.body().length),
                        "",
                        List.of(java.util.Map.entry("X-T", "t")),
                        0,
                        response.ows());
        String text = new String(chunked.bytes(), StandardCharsets.ISO_8859_1);
        int bodyStart = text.indexOf("\r\n\r\n") + 4;
        int sizeEnd = text.indexOf("\r\n", bodyStart);
        String size = Integer.toHexString(response.body().length);
        int trailerStart = text.lastIndexOf("\r\n0\r\n") + 5;
        String mutated = switch (this) {
            case BAD_CHUNK_SIZE ->
                text.substring(0, bodyStart) + HeadMutation.pick(BAD_SIZES, choice) + text.substring(sizeEnd);
            case CHUNK_SIZE_FOLLOWED_BY_GARBAGE ->
                text.substring(0, bodyStart) + size + HeadMutation.pick(GARBAGE, choice) + text.substring(sizeEnd);
            case CHUNK_LONGER_THAN_DECLARED ->
                text.substring(0, bodyStart)
                        + Integer.toHexString(response.body().length - 1)
                        + text.substring(sizeEnd);
            case CONTROL_IN_TRAILER ->
                HeadMutation.insert(text, trailerStart, "X-Bad: a" + HeadMutation.pick(CONTROLS, choice) + "b\r\n");
            case SPACE_BEFORE_COLON_IN_TRAILER -> HeadMutation.insert(text, trailerStart, "X-Bad : v\r\n");
            case OBS_FOLD_IN_TRAILER -> HeadMutation.insert(text, trailerStart, "X-Bad: a\r\n b\r\n");
            case CUT_SHORT -> text.substring(0, bodyStart + Math.floorMod(choice, text.length() - bodyStart));
        };
        return mutated.getBytes(StandardCharsets.ISO_8859_1);
    }
}
