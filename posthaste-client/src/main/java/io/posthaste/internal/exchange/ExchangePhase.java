package io.posthaste.internal.exchange;

/**
 * Where an {@link Exchange} is. Its moves are checked: a move the diagram does not have is a bug
 * in the exchange, and fails loudly rather than leaving a call half-finished.
 * <pre>
 *   ACQUIRING ─▶ SENDING ─▶ AWAITING_HEAD ─▶ BODY ─▶ BODY_READ ─▶ DONE
 *       ▲           │            │             │  └──────────────────▲
 *       └───────────┴────────────┘             └──▶ FAILED (from every state but DONE)
 *        a silent retry         a server may answer while the request is still SENDING
 * </pre>
 */
enum ExchangePhase {
    /** Waiting for a connection (again, after an attempt failed before its answer began). */
    ACQUIRING,
    /** The request is going out; no answer yet. */
    SENDING,
    /** The request is out; waiting for the answer's head. */
    AWAITING_HEAD,
    /** The final head is in; the body is arriving, buffered or streamed to a reader. */
    BODY,
    /** A streamed body arrived whole; its reader has not closed it yet. */
    BODY_READ,
    /** Over: the response was handed back (and a streamed body closed); all released. */
    DONE,
    /** Over: failed or cancelled; all released. */
    FAILED;

    /** Returns {@code next} if this phase may move to it; throws otherwise. */
    ExchangePhase moveTo(ExchangePhase next) {
        boolean allowed = switch (this) {
            case ACQUIRING -> next == SENDING || next == FAILED;
            case SENDING -> next == AWAITING_HEAD || next == BODY || next == ACQUIRING || next == FAILED;
            case AWAITING_HEAD -> next == BODY || next == ACQUIRING || next == FAILED;
            case BODY -> next == BODY_READ || next == DONE || next == FAILED;
            case BODY_READ -> next == DONE || next == FAILED;
            case DONE, FAILED -> false;
        };
        if (!allowed) {
            throw new IllegalStateException("an exchange cannot go from " + this + " to " + next);
        }
        return next;
    }

    /** Returns whether the exchange is over. */
    boolean isOver() {
        return this == DONE || this == FAILED;
    }
}
