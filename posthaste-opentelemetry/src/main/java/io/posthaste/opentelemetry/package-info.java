/**
 * OpenTelemetry tracing for Posthaste: {@link io.posthaste.opentelemetry.PosthasteTelemetry}.
 * Depends on {@code opentelemetry-instrumentation-api}; the core client does not know this module.
 */
package io.posthaste.opentelemetry;
