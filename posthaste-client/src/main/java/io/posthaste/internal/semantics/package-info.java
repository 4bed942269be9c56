/**
 * HTTP's rules that every layer shares: which header names and values may be sent
 * ({@code HeaderRules}), methods and status codes ({@code HttpSemantics}), and {@code Link}
 * headers. A helper package: depends on nothing else of Posthaste's.
 */
package io.posthaste.internal.semantics;
