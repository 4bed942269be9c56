package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RequestTagsTest {

    private static final UriTemplate USERS = new UriTemplate("/users/{id}");

    /** A tag type of the test's own, to show that any class can be a key. */
    record TenantId(String value) {}

    @Test
    void aTagIsReadBackByItsTypeAndAnAbsentTypeIsNull() {
        try (ClientSession session = ClientSession.create()) {
            Request request = session.get("http://127.0.0.1:1/users/7")
                    .tag(UriTemplate.class, USERS)
                    .tag(TenantId.class, new TenantId("acme"))
                    .build();

            assertThat(request.tag(UriTemplate.class)).isEqualTo(USERS);
            assertThat(request.tag(TenantId.class)).isEqualTo(new TenantId("acme"));
            assertThat(request.tag(String.class)).isNull();
            assertThat(session.get("http://127.0.0.1:1/").build().tag(UriTemplate.class))
                    .isNull();
        }
    }

    @Test
    void aLaterTagOfTheSameTypeReplacesTheEarlierAndNullRemovesIt() {
        try (ClientSession session = ClientSession.create()) {
            RequestBuilder builder = session.get("http://127.0.0.1:1/")
                    .tag(UriTemplate.class, new UriTemplate("/a"))
                    .tag(UriTemplate.class, USERS);
            assertThat(builder.build().tag(UriTemplate.class)).isEqualTo(USERS);

            Request removed =
                    builder.build().toBuilder().tag(UriTemplate.class, null).build();
            assertThat(removed.tag(UriTemplate.class)).isNull();
        }
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aTagThatIsNotAnInstanceOfItsTypeIsRefusedWhenGiven() {
        try (ClientSession session = ClientSession.create()) {
            Class raw = UriTemplate.class;
            assertThatThrownBy(() -> session.get("http://127.0.0.1:1/").tag(raw, "/users/{id}"))
                    .isInstanceOf(ClassCastException.class)
                    .hasMessageContaining("UriTemplate");
            assertThatThrownBy(() -> session.get("http://127.0.0.1:1/").build().toBuilder()
                            .tag(raw, 42))
                    .isInstanceOf(ClassCastException.class);
            assertThatThrownBy(() -> session.get("http://127.0.0.1:1/").tag(null, USERS))
                    .isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void tagsReachEveryRetryAndRedirectHopAndTheEventsOfEachHop() {
        List<UriTemplate> seenByNetwork = new CopyOnWriteArrayList<>();
        List<Event> events = new CopyOnWriteArrayList<>();
        RetryPolicy retry = RetryPolicy.builder()
                .maxAttempts(2)
                .initialBackoff(Duration.ZERO)
                .retryOnStatus(Set.of(503))
                .build();
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.builder()
                        .addNetworkInterceptor((request, chain) -> {
                            seenByNetwork.add(request.tag(UriTemplate.class));
                            return chain.proceed(request);
                        })
                        .eventListener(events::add)
                        .build()) {
            server.enqueue(MockResponse.status(503));
            server.enqueue(MockResponse.builder()
                    .status(302)
                    .header("Location", "/get")
                    .build());

            Response response = session.get(server.url("/users/7"))
                    .retryPolicy(retry)
                    .tag(UriTemplate.class, USERS)
                    .send();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.request().tag(UriTemplate.class)).isEqualTo(USERS);
            assertThat(response.history())
                    .allSatisfy(hop ->
                            assertThat(hop.request().tag(UriTemplate.class)).isEqualTo(USERS));
        }
        // The 503, the retried 302, and the hop it redirects to.
        assertThat(seenByNetwork).containsExactly(USERS, USERS, USERS);
        assertThat(events)
                .filteredOn(event -> event.request() != null)
                .isNotEmpty()
                .allSatisfy(event -> assertThat(event.request().tag(UriTemplate.class))
                        .as(event.toString())
                        .isEqualTo(USERS));
    }

    @Test
    void anInterceptorCanTagTheRequestForTheStepsBelowIt() {
        List<TenantId> seenByNetwork = new CopyOnWriteArrayList<>();
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.builder()
                        .addInterceptor((request, chain) -> chain.proceed(request.toBuilder()
                                .tag(TenantId.class, new TenantId("acme"))
                                .build()))
                        .addNetworkInterceptor((request, chain) -> {
                            seenByNetwork.add(request.tag(TenantId.class));
                            return chain.proceed(request);
                        })
                        .build()) {
            session.get(server.url("/redirect/1")).tag(UriTemplate.class, USERS).send();
        }
        assertThat(seenByNetwork).containsExactly(new TenantId("acme"), new TenantId("acme"));
    }

    @Test
    void aUriTemplateMustHoldSomething() {
        assertThatThrownBy(() -> new UriTemplate(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UriTemplate(null)).isInstanceOf(NullPointerException.class);
        assertThat(USERS).hasToString("/users/{id}");
    }
}
