package io.posthaste.opentelemetry;

import io.opentelemetry.instrumentation.api.semconv.http.HttpClientAttributesGetter;
import io.posthaste.Request;
import io.posthaste.Response;
import java.util.List;

/** Reads the HTTP semantic-convention attributes of one request on the network and its answer. */
final class HttpAttributes implements HttpClientAttributesGetter<Request, Response> {

    private final UrlRedaction redaction;

    HttpAttributes(UrlRedaction redaction) {
        this.redaction = redaction;
    }

    @Override
    public String getUrlFull(Request request) {
        return redaction.full(request.url());
    }

    @Override
    public String getServerAddress(Request request) {
        return request.url().getHost();
    }

    @Override
    public Integer getServerPort(Request request) {
        int port = request.url().getPort();
        return port >= 0 ? port : "https".equalsIgnoreCase(request.url().getScheme()) ? 443 : 80;
    }

    @Override
    public String getHttpRequestMethod(Request request) {
        return request.method();
    }

    @Override
    public List<String> getHttpRequestHeader(Request request, String name) {
        return request.headers().allValues(name);
    }

    @Override
    public Integer getHttpResponseStatusCode(Request request, Response response, Throwable error) {
        return response != null ? response.status() : null;
    }

    @Override
    public List<String> getHttpResponseHeader(Request request, Response response, String name) {
        return response.headers().allValues(name);
    }

    @Override
    public String getNetworkProtocolName(Request request, Response response) {
        return response != null ? "http" : null;
    }

    @Override
    public String getNetworkProtocolVersion(Request request, Response response) {
        String version = response != null ? response.version() : null;
        return version != null && version.startsWith("HTTP/") ? version.substring(5) : null;
    }
}
