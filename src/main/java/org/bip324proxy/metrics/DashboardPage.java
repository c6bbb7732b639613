package org.bip324proxy.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import org.bip324proxy.http.HttpResponse;

/**
 * The dashboard: one HTML page with its script and styles inline (no external assets, works
 * offline), which polls {@code /api/status}. Served with a Content-Security-Policy that allows
 * only this page's own script (by its SHA-256) and requests to this origin, so even a value that
 * slipped into the page as markup could not run code.
 */
final class DashboardPage {
    private static final String RESOURCE = "dashboard.html";

    private final HttpResponse response;

    DashboardPage() {
        byte[] page;
        try (InputStream in = DashboardPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + RESOURCE);
            }
            page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String csp = "default-src 'none'; script-src '" + scriptHash(new String(page, StandardCharsets.UTF_8)) + "'; "
                + "style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        response = new HttpResponse(200, "text/html; charset=utf-8", page,
                Map.of("Content-Security-Policy", csp, "Referrer-Policy", "no-referrer"));
    }

    HttpResponse response() {
        return response;
    }

    /** CSP Level 2 §4.2: 'sha256-' + base64 of the hash of the inline script's text. */
    private static String scriptHash(String page) {
        int open = page.indexOf("<script>");
        int close = page.indexOf("</script>");
        if (open < 0 || close < open || page.indexOf("<script>", open + 1) >= 0) {
            throw new IllegalStateException(RESOURCE + " must have exactly one inline <script>");
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(page.substring(open + "<script>".length(), close).getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
