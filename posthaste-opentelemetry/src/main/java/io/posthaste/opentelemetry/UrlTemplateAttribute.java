package io.posthaste.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.instrumentation.api.instrumenter.AttributesExtractor;
import io.posthaste.Request;
import io.posthaste.Response;
import io.posthaste.UriTemplate;

/** Sets {@code url.template} from the request's {@link UriTemplate} tag, when it has one. */
final class UrlTemplateAttribute implements AttributesExtractor<Request, Response> {

    static final AttributeKey<String> URL_TEMPLATE = AttributeKey.stringKey("url.template");

    @Override
    public void onStart(AttributesBuilder attributes, Context parentContext, Request request) {
        UriTemplate template = request.tag(UriTemplate.class);
        if (template != null) {
            attributes.put(URL_TEMPLATE, template.value());
        }
    }

    @Override
    public void onEnd(
            AttributesBuilder attributes, Context context, Request request, Response response, Throwable error) {}
}
