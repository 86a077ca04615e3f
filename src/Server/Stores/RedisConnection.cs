using System.Net;
using StackExchange.Redis;

namespace Server.Stores;

/// <summary>
/// The Redis an operator gives <c>--limits-redis</c>: <c>redis://[:password@]host[:port]</c> or a StackExchange.Redis
/// configuration string (<c>host:port,password=…</c>), with the failure behaviour the limiter needs set on top.
/// </summary>
public static class RedisConnection
{
    /// <exception cref="FormatException">The spec names no endpoint or is malformed.</exception>
    public static ConfigurationOptions Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ConfigurationOptions options;
        try
        {
            options = spec.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) ? FromUri(spec) : ConfigurationOptions.Parse(spec);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Redis '{spec}': {e.Message}", e);
        }
        if (options.EndPoints.Count == 0) throw new FormatException($"Redis '{spec}' names no host:port.");
        // Start and keep serving while Redis is away: admissions fail fast with 503 (FailFast: no queue of commands
        // that would let them wait), and the multiplexer reconnects every half second until Redis answers again.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ReconnectRetryPolicy = new LinearRetry(500);
        options.ConnectTimeout = 2000;
        options.SyncTimeout = 2000;
        options.AsyncTimeout = 2000;
        return options;
    }

    public static string Describe(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint.ToString() ?? "?",
    };

    private static ConfigurationOptions FromUri(string spec)
    {
        if (!Uri.TryCreate(spec, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new FormatException($"Redis URI '{spec}' must look like redis://[:password@]host[:port].");
        var options = new ConfigurationOptions();
        options.EndPoints.Add(uri.IdnHost.Trim('[', ']'), uri.Port > 0 ? uri.Port : 6379);
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) options.User = Uri.UnescapeDataString(uri.UserInfo[..colon]);
            options.Password = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[(colon + 1)..]);
        }
        return options;
    }
}
