package io.posthaste.reliability.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Scales every property's tries and fixes its seed from system properties, so the same suite
 * runs as a one-minute check in {@code ./mvnw verify} and as an hour-long hunt on demand.
 *
 * <ul>
 *   <li>{@code -Dfuzz.scale=20}: each property runs 20 times the tries its annotation states
 *       (default 1; tries are tuned so that the whole suite takes about a minute at scale 1).</li>
 *   <li>{@code -Dfuzz.seed=-123456789}: every property starts from this seed, to replay a
 *       failure printed by jqwik ({@code seed = ...}) without editing the annotation.</li>
 * </ul>
 *
 * <p>Registered with {@code @AddLifecycleHook(FuzzBudget.class)} on each property class.
 */
public final class FuzzBudget implements AroundPropertyHook {

    /** Runs before {@link BufferLeakCheck}, so the leak check sees the scaled run. */
    @Override
    public int aroundPropertyProximity() {
        return -10;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context,
            PropertyExecutor property) {
        double scale = Double.parseDouble(System.getProperty("fuzz.scale", "1"));
        int tries = context.attributes().tries().orElse(1000);
        context.attributes().setTries((int) Math.max(1, Math.min(Integer.MAX_VALUE, tries * scale)));
        String seed = System.getProperty("fuzz.seed", "");
        if (!seed.isBlank()) {
            context.attributes().setSeed(seed.trim());
        }
        return property.execute();
    }
}
