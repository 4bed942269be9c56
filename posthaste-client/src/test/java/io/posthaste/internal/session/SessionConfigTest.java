package io.posthaste.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.CookieJar;
import io.posthaste.Headers;
import io.posthaste.HostResolver;
import io.posthaste.Interceptor;
import io.posthaste.JsonCodec;
import io.posthaste.Protocol;
import io.posthaste.RetryPolicy;
import io.posthaste.Timeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** How a {@link SessionConfig} is assembled: every setting by name, complete, and immutable once built. */
class SessionConfigTest {

    private static final Interceptor PASS = (request, chain) -> chain.proceed(request);

    /** Every setting without which a session cannot run, each with the value a test gives it. */
    private static Map<String, Consumer<SessionConfig.Builder>> requiredSettings() {
        Map<String, Consumer<SessionConfig.Builder>> settings = new LinkedHashMap<>();
        settings.put("defaultHeaders", b -> b.defaultHeaders(Headers.builder().build()));
        settings.put("userAgent", b -> b.userAgent("test"));
        settings.put("timeouts", b -> b.timeouts(Timeouts.defaults()));
        settings.put("maxConnectionsPerOrigin", b -> b.maxConnectionsPerOrigin(4));
        settings.put("maxConnectionsTotal", b -> b.maxConnectionsTotal(8));
        settings.put("idleTimeout", b -> b.idleTimeout(Duration.ofSeconds(5)));
        settings.put("raiseForStatus", b -> b.raiseForStatus(true));
        settings.put("jsonCodec", b -> b.jsonCodec(JsonCodec.jackson()));
        settings.put("checkJsonContentType", b -> b.checkJsonContentType(true));
        settings.put("maxResponseBodySize", b -> b.maxResponseBodySize(1024));
        settings.put("maxResponseHeaderSize", b -> b.maxResponseHeaderSize(1024));
        settings.put("maxResponseHeaders", b -> b.maxResponseHeaders(16));
        settings.put("sensitiveHeaders", b -> b.sensitiveHeaders(Set.of("authorization")));
        settings.put("decompress", b -> b.decompress(true));
        settings.put("eventLoopThreads", b -> b.eventLoopThreads(1));
        settings.put("callbackExecutor", b -> b.callbackExecutor(Runnable::run));
        settings.put("interceptors", b -> b.interceptors(List.of()));
        settings.put("networkInterceptors", b -> b.networkInterceptors(List.of()));
        settings.put("followRedirects", b -> b.followRedirects(true));
        settings.put("maxRedirects", b -> b.maxRedirects(3));
        settings.put("allowHttpsToHttpRedirects", b -> b.allowHttpsToHttpRedirects(false));
        settings.put("cookieJar", b -> b.cookieJar(CookieJar.none()));
        settings.put("retryPolicy", b -> b.retryPolicy(RetryPolicy.none()));
        settings.put("resolver", b -> b.resolver(HostResolver.system()));
        settings.put("callerDrivenIo", b -> b.callerDrivenIo(false));
        settings.put("nativeTransport", b -> b.nativeTransport(true));
        settings.put("protocols", b -> b.protocols(List.of(Protocol.HTTP_1_1)));
        return settings;
    }

    private static SessionConfig.Builder complete() {
        SessionConfig.Builder builder = SessionConfig.builder();
        requiredSettings().values().forEach(setting -> setting.accept(builder));
        return builder;
    }

    @Test
    void aConfigMissingAnyRequiredSettingIsRefusedNamingThatSetting() {
        Map<String, Consumer<SessionConfig.Builder>> settings = requiredSettings();
        for (String missing : settings.keySet()) {
            SessionConfig.Builder builder = SessionConfig.builder();
            settings.forEach((name, setting) -> {
                if (!name.equals(missing)) {
                    setting.accept(builder);
                }
            });
            assertThatThrownBy(builder::build)
                    .as("built without %s", missing)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(missing);
        }
    }

    @Test
    void everySettingReadsBackAsItWasNamed() {
        SessionConfig config = complete()
                .maxConnectionsPerOrigin(3)
                .maxConnectionsTotal(7)
                .maxResponseBodySize(99)
                .maxResponseHeaderSize(11)
                .maxResponseHeaders(13)
                .eventLoopThreads(2)
                .maxRedirects(17)
                .userAgent("ua/1")
                .raiseForStatus(false)
                .checkJsonContentType(false)
                .decompress(false)
                .followRedirects(false)
                .allowHttpsToHttpRedirects(true)
                .callerDrivenIo(true)
                .nativeTransport(false)
                .build();

        assertThat(config.maxConnectionsPerOrigin()).isEqualTo(3);
        assertThat(config.maxConnectionsTotal()).isEqualTo(7);
        assertThat(config.maxResponseBodySize()).isEqualTo(99);
        assertThat(config.maxResponseHeaderSize()).isEqualTo(11);
        assertThat(config.maxResponseHeaders()).isEqualTo(13);
        assertThat(config.eventLoopThreads()).isEqualTo(2);
        assertThat(config.maxRedirects()).isEqualTo(17);
        assertThat(config.userAgent()).isEqualTo("ua/1");
        assertThat(config.raiseForStatus()).isFalse();
        assertThat(config.checkJsonContentType()).isFalse();
        assertThat(config.decompress()).isFalse();
        assertThat(config.followRedirects()).isFalse();
        assertThat(config.allowHttpsToHttpRedirects()).isTrue();
        assertThat(config.callerDrivenIo()).isTrue();
        assertThat(config.nativeTransport()).isFalse();
    }

    @Test
    void protocolsBecomeAlpnNamesInOrderAndPriorKnowledgeOffersH2() {
        SessionConfig both = complete()
                .protocols(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1))
                .build();
        SessionConfig h1First = complete()
                .protocols(List.of(Protocol.HTTP_1_1, Protocol.HTTP_2))
                .build();
        SessionConfig prior = complete()
                .protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE, Protocol.HTTP_2))
                .build();

        assertThat(both.alpnProtocols()).containsExactly("h2", "http/1.1");
        assertThat(both.h2PriorKnowledge()).isFalse();
        assertThat(h1First.alpnProtocols()).containsExactly("http/1.1", "h2");
        assertThat(prior.alpnProtocols()).containsExactly("h2");
        assertThat(prior.h2PriorKnowledge()).isTrue();
    }

    @Test
    void optionalSettingsLeftUnnamedAreNone() {
        SessionConfig config = complete().build();

        assertThat(config.baseUrl()).isNull();
        assertThat(config.sslContext()).isNull();
        assertThat(config.trustManager()).isNull();
        assertThat(config.threadFactory()).isNull();
        assertThat(config.eventListener()).isNull();
        assertThat(config.auth()).isNull();
    }

    @Test
    void collectionsAreCopiedWhenBuiltSoNeitherTheSourcesNorTheReadersCanChangeThem() {
        List<Interceptor> interceptors = new ArrayList<>(List.of(PASS));
        List<Interceptor> network = new ArrayList<>(List.of(PASS));
        Set<String> sensitive = new TreeSet<>(Set.of("authorization"));
        SessionConfig config = complete()
                .interceptors(interceptors)
                .networkInterceptors(network)
                .sensitiveHeaders(sensitive)
                .build();

        interceptors.add(PASS);
        network.clear();
        sensitive.add("x-secret");

        assertThat(config.interceptors()).containsExactly(PASS);
        assertThat(config.networkInterceptors()).containsExactly(PASS);
        assertThat(config.sensitiveHeaders()).containsExactly("authorization");
        assertThatThrownBy(() -> config.interceptors().add(PASS)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.networkInterceptors().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.sensitiveHeaders().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
