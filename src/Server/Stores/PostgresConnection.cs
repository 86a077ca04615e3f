using Npgsql;

namespace Server.Stores;

/// <summary>
/// The two spellings of a PostgreSQL database an operator may give <c>--keys-db</c>/<c>--db</c>: a libpq URI
/// (<c>postgres://user:password@host:port/database?sslmode=require</c>) or an Npgsql connection string
/// (<c>Host=h;Port=5432;Database=engine;Username=u;Password=p</c>). Anything else is a SQLite file path.
/// </summary>
public static class PostgresConnection
{
    // libpq URI parameters whose Npgsql keyword differs; any other parameter is passed through by its name.
    private static readonly Dictionary<string, string> UriKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["user"] = "Username",
        ["dbname"] = "Database",
    };

    public static bool IsPostgres(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return true;
        // A connection string names its host; a file path has no "Host=" part.
        return spec.Split(';').Any(part => part.TrimStart().StartsWith("Host=", StringComparison.OrdinalIgnoreCase)
            || part.TrimStart().StartsWith("Server=", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The Npgsql connection string of <paramref name="spec"/>.</summary>
    /// <exception cref="FormatException">The URI or connection string is malformed, or names an unknown parameter.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        try
        {
            return spec.Contains("://", StringComparison.Ordinal) ? FromUri(spec) : new NpgsqlConnectionStringBuilder(spec);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"PostgreSQL connection '{Redacted(spec)}': {e.Message}", e);
        }
    }

    /// <summary>host:port/database, for logs and error messages (never the password).</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }

    private static NpgsqlConnectionStringBuilder FromUri(string spec)
    {
        if (!Uri.TryCreate(spec, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new FormatException($"PostgreSQL URI '{Redacted(spec)}' must look like postgres://user:password@host:port/database.");
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.IdnHost.Trim('[', ']') };
        if (uri.Port > 0) builder.Port = uri.Port;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        if (uri.AbsolutePath.Trim('/') is { Length: > 0 } database) builder.Database = Uri.UnescapeDataString(database);
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new FormatException($"PostgreSQL URI parameter '{pair}' must look like name=value.");
            var name = Uri.UnescapeDataString(pair[..eq]);
            builder[UriKeywords.GetValueOrDefault(name, name)] = Uri.UnescapeDataString(pair[(eq + 1)..]);
        }
        return builder;
    }

    /// <summary>The spec with any password replaced, fit for an error message.</summary>
    public static string Redacted(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Contains("://", StringComparison.Ordinal))
        {
            var at = spec.IndexOf('@', StringComparison.Ordinal);
            var start = spec.IndexOf("://", StringComparison.Ordinal) + 3;
            var colon = spec.IndexOf(':', start);
            return at > 0 && colon > 0 && colon < at ? spec[..(colon + 1)] + "***" + spec[at..] : spec;
        }
        return string.Join(';', spec.Split(';').Select(part =>
            part.TrimStart().StartsWith("Password=", StringComparison.OrdinalIgnoreCase) ? "Password=***" : part));
    }
}
