package io.posthaste.testing.internal;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.List;

/** Factories for the plain answers the server composes itself (errors, echo routes). */
final class Specs {

    private Specs() {}

    static ResponseSpec simple(int status, String contentType, byte[] body) {
        return new ResponseSpec(
                status,
                Statuses.reason(status),
                List.of(new SimpleImmutableEntry<>("Content-Type", contentType)),
                body,
                null,
                0,
                0,
                0,
                0,
                false,
                List.of(),
                ContentCoding.IDENTITY,
                0,
                null,
                -1,
                null,
                null,
                null,
                null,
                0,
                null,
                null);
    }
}
