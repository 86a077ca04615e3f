using System.Net.Sockets;
using Npgsql;

namespace Server.Stores;

/// <summary>Which Npgsql failures mean "the database is not there" (503, retry) rather than a bug (500).</summary>
internal static class PostgresOutage
{
    /// <summary>
    /// True for connection failures, broken connections and server shutdown/restart errors. The pool is cleared
    /// then, so the first request after the database returns does not meet a dead pooled connection.
    /// </summary>
    public static bool Is(Exception e, NpgsqlDataSource dataSource)
    {
        var outage = e switch
        {
            PostgresException pg => pg.IsTransient,
            NpgsqlException => true,
            SocketException or TimeoutException or IOException => true,
            _ => false,
        };
        if (outage) dataSource.Clear();
        return outage;
    }
}
