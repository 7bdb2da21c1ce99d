using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FlowMachine.Server.OpenApi;

/// <summary>
/// The document's frame: title, description, licence, the bearer API-key scheme, tags with their descriptions,
/// and server URLs without a trailing slash.
/// </summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string SecurityScheme = "ApiKey";

    // The tags in the order the API reference shows them: flows first, as most readers come for them.
    private static readonly (string Name, string Description)[] TagDescriptions =
    [
        ("Flows", "Start, list, read and steer flows: resubmit, push, events, cancel, reset, retry, suspend. Each user sees only their own flows, administrators all."),
        ("Events", "Events by correlation key: one raise reaches every flow that waits for its name and key, and is kept for flows that wait later."),
        ("Hooks", "Signed webhooks: each delivery from another system starts a routine or raises an event by key, with values mapped from its body. Managed with an API key; delivered without one."),
        ("Routines", "Stored, versioned flow specs, shared by every user. A changed spec makes a new version."),
        ("Tasks", "The task types this server can run, with their parameters."),
        ("Schedules", "Cron and interval starts of a routine or spec. Everyone sees every schedule; its owner or an administrator changes it."),
        ("Workers", "The workers that run flows and what they hold."),
        ("Users", "Users and their API keys (administrators only)."),
        ("Resume", "Callback URLs for other systems: a single-use token stands in for the API key."),
        ("Health", "Liveness of the server and its database, and Prometheus metrics."),
    ];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "FlowMachine API",
            Version = "v1",
            Description = "The REST API of a FlowMachine server: routines, task types, schedules, flows and their verbs, users. "
                + "Every /api route but the resume callback and webhook deliveries (signed instead) needs an API key, sent as 'Authorization: Bearer KEY'. "
                + "Errors are RFC 9457 problem details; a refused request names each wrong field (or spec path) in 'errors'.",
            Contact = new OpenApiContact { Name = "FlowMachine" },
            License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" },
        };

        foreach (var server in document.Servers ?? [])
        {
            if (server.Url is { Length: > 1 } url && url.EndsWith('/'))
            {
                server.Url = url.TrimEnd('/');
            }
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[SecurityScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A FlowMachine API key (fm_...), sent as 'Authorization: Bearer KEY'. The first administrator's key is printed when the server creates it; administrators rotate keys with POST /api/v1/users/{name}/rotate.",
        };

        var used = (document.Paths ?? [])
            .SelectMany(p => p.Value.Operations ?? [])
            .SelectMany(o => o.Value.Tags ?? Enumerable.Empty<OpenApiTagReference>())
            .Select(t => t.Name)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .OrderBy(TagRank)
            .ThenBy(name => name, StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(used.Select(name => new OpenApiTag
        {
            Name = name,
            Description = Array.Find(TagDescriptions, t => t.Name == name).Description ?? name,
        }));
        return Task.CompletedTask;
    }

    // A known tag's place in TagDescriptions; other tags after them.
    private static int TagRank(string name)
    {
        var index = Array.FindIndex(TagDescriptions, t => t.Name == name);
        return index < 0 ? int.MaxValue : index;
    }
}
