using System.Globalization;
using Npgsql;

namespace FlowMachine.Postgres;

/// <summary>Turns what users write (a connection string or a <c>postgres://</c> URL) into an Npgsql connection string.</summary>
internal static class PostgresConnectionString
{
    /// <summary>True when <paramref name="text"/> looks like something meant for PostgreSQL rather than a file path.</summary>
    public static bool LooksLikePostgres(string text) =>
        text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || (text.Contains('=', StringComparison.Ordinal) && text.Contains("host", StringComparison.OrdinalIgnoreCase));

    /// <summary>The Npgsql builder for a connection string or URL, with the store's search path and name set.</summary>
    public static NpgsqlConnectionStringBuilder Parse(string text, string schema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var builder = text.Contains("://", StringComparison.Ordinal) ? FromUrl(text) : new NpgsqlConnectionStringBuilder(text);

        // Tables are named without a schema in the SQL: the search path points at the store's schema.
        builder.SearchPath = schema;
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "flowmachine";
        }

        // The store runs the same few statements for every step: prepared once per connection, the server
        // parses and plans them once rather than at every step (unless the connection string says otherwise).
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder;
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql"))
        {
            throw new ArgumentException($"'{Redact(text)}' is not a PostgreSQL URL: write postgres://user:password@host:port/database.", nameof(text));
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "true" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            try
            {
                // libpq's names where Npgsql's differ; everything else is passed as Npgsql spells it.
                builder[key.ToLower(CultureInfo.InvariantCulture) switch
                {
                    "sslmode" => "SSL Mode",
                    "connect_timeout" => "Timeout",
                    "application_name" => "Application Name",
                    _ => key,
                }] = value;
            }
            catch (ArgumentException error)
            {
                throw new ArgumentException($"The PostgreSQL URL option '{key}' is not known to Npgsql: {error.Message}", nameof(text), error);
            }
        }

        return builder;
    }

    /// <summary>The text without its password, for messages.</summary>
    public static string Redact(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        return at > scheme && scheme >= 0 ? text[..(scheme + 3)] + "***" + text[at..] : text;
    }
}
