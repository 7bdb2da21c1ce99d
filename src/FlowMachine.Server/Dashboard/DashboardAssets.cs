using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Dashboard;

/// <summary>The dashboard's stylesheet, script and icon, embedded in the assembly so the server needs no files beside it.</summary>
internal static class DashboardAssets
{
    private static readonly FrozenDictionary<string, (byte[] Bytes, string Type)> Files = Load();

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/assets/{name}", Serve).AllowAnonymous().ExcludeFromDescription();

        // Browsers and bookmarks ask for /favicon.ico whatever the page's <link rel="icon"> says.
        endpoints.MapGet("/favicon.ico", (HttpResponse response) => Serve("favicon.svg", response)).AllowAnonymous().ExcludeFromDescription();
    }

    private static IResult Serve(string name, HttpResponse response)
    {
        if (!Files.TryGetValue(name, out var file))
        {
            return Results.NotFound();
        }

        response.Headers.CacheControl = "public, max-age=300";
        response.Headers.XContentTypeOptions = "nosniff";
        return Results.Bytes(file.Bytes, file.Type);
    }

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var (name, type) in new[] { ("dashboard.css", "text/css; charset=utf-8"), ("dashboard.js", "text/javascript; charset=utf-8"), ("favicon.svg", "image/svg+xml") })
        {
            using var stream = assembly.GetManifestResourceStream("FlowMachine.Server.Dashboard.Assets." + name)
                ?? throw new InvalidOperationException($"The dashboard asset {name} is not embedded; rebuild FlowMachine.Server.");
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            files[name] = (memory.ToArray(), type);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
