package io.posthaste.testing.internal;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** httpbin's {@code /status}, {@code /redirect*} routes, with its Location values and extra headers. */
final class Redirects {

    private Redirects() {}

    /** {@code /status/{codes}}: one code, or a weighted random choice like {@code 200:3,500:1}. */
    static MockResponse status(String codes) {
        List<int[]> choices = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        try {
            for (String choice : codes.split(",")) {
                String[] cw = choice.split(":", 2);
                int code = Integer.parseInt(cw[0].trim());
                if (code < 100 || code > 999) {
                    throw new NumberFormatException();
                }
                choices.add(new int[] {code});
                weights.add(cw.length == 2 ? Double.parseDouble(cw[1]) : 1.0);
            }
        } catch (NumberFormatException e) {
            return EchoRoutes.text(400, "Invalid status code");
        }
        double total = weights.stream().mapToDouble(Double::doubleValue).sum();
        double pick = ThreadLocalRandom.current().nextDouble() * total;
        int code = choices.get(choices.size() - 1)[0];
        for (int i = 0; i < choices.size(); i++) {
            pick -= weights.get(i);
            if (pick < 0) {
                code = choices.get(i)[0];
                break;
            }
        }
        MockResponse.Builder b = MockResponse.builder()
                .status(code)
                .header("Content-Type", "text/html; charset=utf-8")
                .header("Access-Control-Allow-Origin", "*");
        switch (code) {
            case 301, 302, 303, 305, 307 -> b.header("Location", "/redirect/1");
            case 401 -> b.header("WWW-Authenticate", "Basic realm=\"Fake Realm\"");
            case 402 -> b.header("x-more-info", "http://vimeo.com/22053820").body("Payment Required");
            case 407 -> b.header("Proxy-Authenticate", "Basic realm=\"Fake Realm\"");
            case 418 ->
                b.header("x-more-info", "http://tools.ietf.org/html/rfc2324").body("I'm a teapot\n");
            default -> {}
        }
        return b.build();
    }

    /** {@code /redirect/{n}}: relative hops (absolute with {@code ?absolute=true}) ending at {@code /get}. */
    static MockResponse redirect(RecordedRequest r, int n) {
        if (n <= 0) {
            return EchoRoutes.text(400, "n must be positive");
        }
        boolean absolute = "true".equalsIgnoreCase(EchoRoutes.first(Forms.decode(r.query()), "absolute"));
        if (n == 1) {
            return found(absolute ? base(r) + "/get" : "/get");
        }
        return found(absolute ? base(r) + "/absolute-redirect/" + (n - 1) : "/relative-redirect/" + (n - 1));
    }

    static MockResponse relative(int n) {
        if (n <= 0) {
            return EchoRoutes.text(400, "n must be positive");
        }
        return found(n == 1 ? "/get" : "/relative-redirect/" + (n - 1));
    }

    static MockResponse absolute(RecordedRequest r, int n) {
        if (n <= 0) {
            return EchoRoutes.text(400, "n must be positive");
        }
        return found(base(r) + (n == 1 ? "/get" : "/absolute-redirect/" + (n - 1)));
    }

    /** {@code /redirect-to?url=...&status_code=...}: any method; status 300-399, else 302. */
    static MockResponse redirectTo(RecordedRequest r) {
        Map<String, List<String>> args = Forms.decode(r.query());
        String url = EchoRoutes.first(args, "url");
        if (url == null) {
            return EchoRoutes.text(400, "missing url parameter");
        }
        int status = 302;
        String code = EchoRoutes.first(args, "status_code");
        if (code != null) {
            try {
                int parsed = Integer.parseInt(code);
                status = parsed >= 300 && parsed < 400 ? parsed : 302;
            } catch (NumberFormatException ignored) {
                status = 302;
            }
        }
        try {
            return MockResponse.builder()
                    .status(status)
                    .header("Location", url)
                    .header("Content-Type", "text/html; charset=utf-8")
                    .header("Access-Control-Allow-Origin", "*")
                    .build();
        } catch (IllegalArgumentException e) {
            return EchoRoutes.text(400, "url cannot be sent as a Location header");
        }
    }

    static MockResponse found(String location) {
        return MockResponse.builder()
                .status(302)
                .header("Content-Type", "text/html; charset=utf-8")
                .header("Location", location)
                .header("Access-Control-Allow-Origin", "*")
                .body("<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n"
                        + "<p>You should be redirected automatically to the target URL: <a href=\"" + location + "\">"
                        + location + "</a>. If not, click the link.\n")
                .build();
    }

    private static String base(RecordedRequest r) {
        String host = r.header("Host");
        return (r.tls() ? "https://" : "http://") + (host != null ? host : "localhost");
    }
}
