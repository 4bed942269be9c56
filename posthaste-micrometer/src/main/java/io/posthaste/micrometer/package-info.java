/**
 * Micrometer metrics for Posthaste: {@link io.posthaste.micrometer.PosthasteMetrics}. Depends on
 * {@code micrometer-core} only; the core client does not know this module.
 */
package io.posthaste.micrometer;
