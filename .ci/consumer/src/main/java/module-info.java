/** A user's application on the module path: {@code requires io.posthaste;} is all it takes. */
module io.posthaste.consumer {
    requires io.posthaste;
    requires io.posthaste.testing;
}
