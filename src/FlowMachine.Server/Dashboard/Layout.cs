using System.Text;

namespace FlowMachine.Server.Dashboard;

/// <summary>The page shell: navigation, the signed-in user with a sign-out form, and the page's content.</summary>
internal static class Layout
{
    private static readonly (string Href, string Label, string Nav)[] Links =
    [
        ("/", "Overview", "overview"),
        ("/flows", "Flows", "flows"),
        ("/routines", "Routines", "routines"),
        ("/schedules", "Schedules", "schedules"),
        ("/events", "Events", "events"),
        ("/hooks", "Hooks", "hooks"),
        ("/tasks", "Task types", "tasks"),
        ("/workers", "Workers", "workers"),
    ];

    public static HtmlResult Page(DashboardRequest request, string title, string nav, string content, int status = 200)
    {
        var html = new StringBuilder(4096);
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Html.E(title)} · FlowMachine</title>
            <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
            <link rel="stylesheet" href="/assets/dashboard.css">
            <script src="/assets/dashboard.js" defer></script>
            </head>
            <body>
            <header class="topbar">
            <a class="brand" href="/">FlowMachine</a>
            """);
        if (request.Caller is { } caller)
        {
            // On a phone the links and Sign out fold behind the Menu button (dashboard.js opens it).
            html.Append("<button type=\"button\" class=\"menu-toggle\" aria-expanded=\"false\" aria-controls=\"topnav\">Menu</button><div class=\"topnav\" id=\"topnav\">");
            html.Append("<nav aria-label=\"Main\"><ul>");
            foreach (var (href, label, key) in Links)
            {
                var current = key == nav ? " aria-current=\"page\"" : string.Empty;
                html.Append($"<li><a href=\"{href}\"{current}>{label}</a></li>");
            }

            if (caller.IsAdmin)
            {
                html.Append($"<li><a href=\"/users\"{(nav == "users" ? " aria-current=\"page\"" : string.Empty)}>Users</a></li>");
            }

            html.Append("<li><a href=\"/api/docs\">API</a></li></ul></nav>");
            var role = caller.IsAdmin ? " <span class=\"tag\">admin</span>" : string.Empty;
            html.Append($"""
                <form class="signout" method="post" action="/signout">{request.CsrfInput}
                <span class="who">Signed in as <strong data-testid="user">{Html.E(caller.Name)}</strong>{role}</span>
                <button type="submit" class="link">Sign out</button></form></div>
                """);
        }

        html.Append($"""
            </header>
            <main id="main">
            {content}
            </main>
            </body>
            </html>
            """);
        return new HtmlResult(html.ToString(), status);
    }

    /// <summary>A page that says one thing: not found, forbidden, a refused form.</summary>
    public static HtmlResult Message(DashboardRequest request, int status, string title, string message) =>
        Page(request, title, string.Empty, $"""
            <section class="card message" role="alert">
            <h1>{Html.E(title)}</h1>
            <p>{Html.E(message)}</p>
            <p><a href="/">Back to the overview</a></p>
            </section>
            """, status);
}
