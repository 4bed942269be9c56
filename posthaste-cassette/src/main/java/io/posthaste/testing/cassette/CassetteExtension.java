package io.posthaste.testing.cassette;

import java.lang.reflect.AnnotatedElement;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link UseCassette}: resolves a {@link Cassette} parameter of a
 * test (or of its {@code @BeforeEach} / {@code @AfterEach} methods: one cassette per test),
 * configured by the method's annotation or else the class's, and closes it after the test, which
 * writes what was recorded. Stateless; the cassette lives in the test's extension store.
 */
public final class CassetteExtension implements ParameterResolver, AfterEachCallback {

    /** The system property that overrides every annotation's mode. */
    public static final String MODE_PROPERTY = "posthaste.cassette.mode";

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(CassetteExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Cassette.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext test = context.getTestMethod().isPresent() ? context : null;
        if (test == null) {
            throw new ExtensionConfigurationException("a Cassette is one per test: take it in a test, "
                    + "@BeforeEach or @AfterEach method, not in a constructor or @BeforeAll");
        }
        return test.getStore(NAMESPACE).getOrComputeIfAbsent(Cassette.class, key -> open(test), Cassette.class);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Cassette cassette = context.getStore(NAMESPACE).remove(Cassette.class, Cassette.class);
        if (cassette != null) {
            cassette.close();
        }
    }

    private static Cassette open(ExtensionContext context) {
        UseCassette settings = annotation(context.getRequiredTestMethod())
                .or(() -> context.getTestClass().flatMap(CassetteExtension::annotation))
                .orElseThrow(() -> new ExtensionConfigurationException(
                        "a Cassette parameter needs " + "@UseCassette on the test method or its class"));
        String override = System.getProperty(MODE_PROPERTY);
        Cassette.Mode mode = override == null || override.isBlank()
                ? settings.mode()
                : Cassette.Mode.valueOf(override.trim().toUpperCase(Locale.ROOT));
        return Cassette.builder(Path.of(settings.directory(), settings.value() + ".json"))
                .mode(mode)
                .matchHeaders(settings.matchHeaders())
                .matchBody(settings.matchBody())
                .redactHeaders(settings.redactHeaders())
                .redactQueryParameters(settings.redactQueryParameters())
                .open();
    }

    private static Optional<UseCassette> annotation(AnnotatedElement element) {
        return Optional.ofNullable(element.getAnnotation(UseCassette.class));
    }
}
