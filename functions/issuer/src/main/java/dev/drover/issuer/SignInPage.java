package dev.drover.issuer;

import dev.drover.core.auth.Role;

import java.util.Map;

import static dev.drover.core.http.Html.escape;

/**
 * The development issuer's pages: the sign-in form (a name and a role, no password: it is the local stack's issuer,
 * and says so) and the refusal shown instead of redirecting to a URI nobody registered.
 */
final class SignInPage {
    /** No script, no frames, nothing from elsewhere. No form-action: browsers apply it to the redirect that follows the post. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1f2328}
            .dev{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:.75rem 1rem;margin-bottom:1.5rem}
            .refused{background:#ffebe9;border:1px solid #cf222e;border-radius:6px;padding:.75rem 1rem}
            label{display:block;margin:.5rem 0}
            input[type=text]{font:inherit;padding:.3rem;width:100%;box-sizing:border-box}
            fieldset{border:1px solid #d0d7de;border-radius:6px;margin:1rem 0}
            button{font:inherit;padding:.4rem 1rem;margin-right:.5rem}
            small{color:#59636e}
            """;

    private SignInPage() {
    }

    static String form(AuthorizeRequest request, String user, Role role, String message) {
        StringBuilder html = head("Sign in to Drover (development)");
        html.append("<h1>Sign in to Drover</h1>\n")
            .append("<p class=\"dev\"><strong>Development issuer.</strong> This is the local stack's OIDC issuer: there are no "
                    + "passwords, and whoever reaches it signs in as any name with any role. A real installation signs in "
                    + "at the organisation's identity provider instead.</p>\n");
        if (!message.isEmpty()) {
            html.append("<p class=\"refused\">").append(escape(message)).append("</p>\n");
        }
        html.append("<form method=\"post\" action=\"/authorize\">\n");
        for (Map.Entry<String, String> field : request.fields().entrySet()) {
            html.append("<input type=\"hidden\" name=\"").append(escape(field.getKey())).append("\" value=\"")
                .append(escape(field.getValue())).append("\">\n");
        }
        html.append("<label>Name <input type=\"text\" name=\"user\" maxlength=\"100\" required autofocus value=\"")
            .append(escape(user)).append("\"></label>\n")
            .append("<fieldset><legend>Role</legend>\n");
        for (Role each : Role.values()) {
            html.append("<label><input type=\"radio\" name=\"role\" value=\"").append(each.wire()).append('"')
                .append(each == role ? " checked" : "").append("> ").append(each.wire())
                .append(" <small>").append(escape(describe(each))).append("</small></label>\n");
        }
        html.append("</fieldset>\n")
            .append("<button type=\"submit\" name=\"action\" value=\"sign-in\">Sign in</button>")
            .append("<button type=\"submit\" name=\"action\" value=\"cancel\" formnovalidate>Cancel</button>\n")
            .append("</form>\n")
            .append("<p><small>You will be sent back to ").append(escape(request.redirectUri())).append(" (client ")
            .append(escape(request.clientId())).append(").</small></p>\n</body></html>\n");
        return html.toString();
    }

    static String refused(String message) {
        return head("Sign-in refused") + "<h1>Sign-in refused</h1>\n<p class=\"refused\">" + escape(message)
                + "</p>\n<p>Nothing was sent anywhere. Start signing in again from the Drover console.</p>\n</body></html>\n";
    }

    private static String describe(Role role) {
        return switch (role) {
            case VIEWER -> "reads migrations, candidates, runs and history";
            case OPERATOR -> "also starts, cancels and retries runs, edits inputs, asks for dry-runs";
            case ADMIN -> "also reads the audit log and transfers ownership";
        };
    }

    private static StringBuilder head(String title) {
        return new StringBuilder("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                                         + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                                         + "<meta name=\"robots\" content=\"noindex\"><title>")
                .append(escape(title)).append("</title><style>").append(STYLE).append("</style></head><body>\n");
    }
}
