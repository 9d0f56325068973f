import Delivery

/// The frame of every page: head, navigation, footer.
enum ConsolePage {
    /// A whole page around `body`. `title` and `body` must already be escaped HTML.
    static func layout(title: String, links: ConsoleLinks, session: String?, body: String, storeTitle: String? = nil) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>\(title) · RoasProof console</title>
        <link rel="stylesheet" href="\(e(links.stylesheet))">
        <link rel="icon" href="\(e(links.icon))" type="image/svg+xml">
        <script src="\(e(links.script))" defer></script>
        </head>
        <body>
        <header><nav><a class="brand" href="\(e(links.overview))">RoasProof console</a>
        <a href="\(e(links.overview))">Overview</a>
        <a href="\(e(links.events()))">Events</a>
        <a href="\(e(links.events(ListFilter(state: .parked))))">Parked</a>\(storeTitle.map { "\n<span class=\"store\">\(e($0))</span>" } ?? "")
        </nav></header>
        <main>
        \(body)
        </main>
        <footer>RoasProof console · times are UTC · pages refresh on reload; an event page follows a replay until it settles.</footer>
        </body>
        </html>

        """
    }

    /// The sign-in form of a console with an access token.
    static func loginPage(links: ConsoleLinks, csrf: String, failed: Bool) -> String {
        var body = "<h1>Sign in</h1>\n"
        if failed { body += "<p class=\"notice bad\" role=\"alert\">That token is not this console's access token.</p>\n" }
        body += """
            <p class="note">This console needs its access token (the value of <code>--token-file</code> or
            <code>CAPI_CONSOLE_TOKEN</code>). Signing in sets a session cookie for this browser until the console restarts.</p>
            <form method="post" action="\(e(links.login))" class="login">
            <input type="hidden" name="\(CSRFToken.fieldName)" value="\(e(csrf))">
            <label>Access token <input type="password" name="token" autocomplete="current-password" required></label>
            <button type="submit">Sign in</button>
            </form>
            """
        return layout(title: "Sign in", links: links, session: nil, body: body)
    }

    /// A hidden CSRF field for a form.
    static func csrfField(_ token: String) -> String {
        "<input type=\"hidden\" name=\"\(CSRFToken.fieldName)\" value=\"\(e(token))\">"
    }

    /// A state badge.
    static func badge(_ state: String) -> String {
        let kind = state.replacing("_", with: "")
        return "<span class=\"badge \(e(kind))\">\(e(state))</span>"
    }

    /// A bar of `part` of `whole` drawn with a width class (inline styles are not allowed by the policy).
    static func bar(_ part: Int, of whole: Int, kind: String) -> String {
        let percent = whole > 0 ? min(100, max(part > 0 ? 1 : 0, (part * 100 + whole / 2) / whole)) : 0
        return "<span class=\"track\"><span class=\"fill \(kind) w\(percent)\"></span></span>"
    }

    /// `1234567` as `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }
}
