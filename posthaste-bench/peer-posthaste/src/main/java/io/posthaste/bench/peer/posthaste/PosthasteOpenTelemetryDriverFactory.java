package io.posthaste.bench.peer.posthaste;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.posthaste.ClientSession;
import io.posthaste.bench.Driver;
import io.posthaste.bench.DriverFactory;
import io.posthaste.opentelemetry.PosthasteTelemetry;
import java.util.Collection;

/**
 * Posthaste with {@code posthaste-opentelemetry} on: a client span per call (and per hop), the
 * W3C {@code traceparent} injected, every span sampled and handed to a batch processor whose
 * exporter drops them — the SDK's own cost as a service would pay it, without a collector.
 */
public final class PosthasteOpenTelemetryDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "posthaste-otel";
    }

    @Override
    public String description() {
        return "Posthaste " + ClientSession.VERSION + " with posthaste-opentelemetry (SDK, batch, all sampled)";
    }

    @Override
    public Driver open(int maxConnections) {
        SdkTracerProvider tracing = SdkTracerProvider.builder()
                .addSpanProcessor(BatchSpanProcessor.builder(new Dropping()).build())
                .build();
        OpenTelemetrySdk sdk =
                OpenTelemetrySdk.builder().setTracerProvider(tracing).build();
        ClientSession session = PosthasteTelemetry.create(sdk)
                .instrument(ClientSession.builder()
                        .maxConnectionsPerOrigin(Math.max(64, maxConnections))
                        .maxConnectionsTotal(Math.max(256, maxConnections)))
                .build();
        return new PosthasteDriver(session, sdk::close);
    }

    /** Exports nothing: what is measured is making, ending and batching the spans. */
    private static final class Dropping implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
