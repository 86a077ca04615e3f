using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Server.Tests.Replicas;

/// <summary>
/// A real PostgreSQL and a real Redis for one test collection: Debian's binaries (installed by .ci/install-stores.sh,
/// found through ENGINE_PG_BIN / ENGINE_REDIS_SERVER or their Debian paths), listening on 127.0.0.1 only, on ports
/// chosen free at run time, with their data in a temporary folder that is deleted when they stop. A server that
/// cannot start fails every test of the collection with the reason; nothing is skipped.
/// </summary>
public sealed class StoreServers : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("engine-stores-").FullName;
    private readonly bool _asRoot = Environment.UserName == "root";
    private string _pgBin = "";
    private string _redisServer = "";
    private Process? _redis;
    private int _databases;
    private readonly Dictionary<string, Task<object>> _shared = new(StringComparer.Ordinal);

    public int PostgresPort { get; private set; }

    public int RedisPort { get; private set; }

    /// <summary>host:port of Redis, in StackExchange.Redis's configuration form.</summary>
    public string Redis => $"127.0.0.1:{RedisPort}";

    private string DataDir => Path.Combine(_root, "pg");

    public async Task InitializeAsync()
    {
        _pgBin = Environment.GetEnvironmentVariable("ENGINE_PG_BIN") is { Length: > 0 } bin ? bin
            : Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault() ?? ""
                : "";
        if (!File.Exists(Path.Combine(_pgBin, "initdb")))
            throw new InvalidOperationException($"PostgreSQL's initdb was not found (ENGINE_PG_BIN='{_pgBin}'): run .ci/install-stores.sh (as root) first.");
        _redisServer = Environment.GetEnvironmentVariable("ENGINE_REDIS_SERVER") is { Length: > 0 } redis ? redis : "/usr/bin/redis-server";
        if (!File.Exists(_redisServer))
            throw new InvalidOperationException($"redis-server was not found at '{_redisServer}': run .ci/install-stores.sh (as root) first.");

        // PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user the package created.
        if (_asRoot) await RunAsync("chown", ["postgres", _root]);
        await RunPostgresToolAsync("initdb", ["-D", DataDir, "-U", "engine", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        PostgresPort = FreePort();
        await StartPostgresAsync();
        RedisPort = FreePort();
        await StartRedisAsync();
    }

    /// <summary>A new, empty database on the server; its connection URI (the form operators pass to --keys-db).</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"engine_test_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..40];
        await using var admin = new NpgsqlConnection($"Host=127.0.0.1;Port={PostgresPort};Username=engine;Database=postgres;Pooling=false");
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"create database {name}", admin);
        await create.ExecuteNonQueryAsync();
        return $"postgres://engine@127.0.0.1:{PostgresPort}/{name}";
    }

    public Task StopPostgresAsync() => RunPostgresToolAsync("pg_ctl", ["-D", DataDir, "-m", "fast", "-w", "stop"]);

    public Task StartPostgresAsync() => RunPostgresToolAsync("pg_ctl",
    [
        "-D", DataDir, "-w", "-t", "60", "-l", Path.Combine(_root, "pg.log"), "-o",
        $"-p {PostgresPort} -c listen_addresses=127.0.0.1 -k {_root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=32MB",
        "start",
    ]);

    public async Task StopRedisAsync()
    {
        if (_redis is null) return;
        _redis.Kill();
        await _redis.WaitForExitAsync();
        _redis.Dispose();
        _redis = null;
    }

    public async Task StartRedisAsync()
    {
        var start = new ProcessStartInfo(_redisServer)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _root,
        };
        foreach (var arg in new[] { "--port", RedisPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--dir", _root, "--daemonize", "no",
                     "--pidfile", Path.Combine(_root, "redis.pid") })
            start.ArgumentList.Add(arg);
        _redis = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        var output = new System.Text.StringBuilder();
        _redis.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        _redis.BeginOutputReadLine();
        _redis.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (_redis.HasExited)
            {
                lock (output) throw new InvalidOperationException($"redis-server exited with {_redis.ExitCode} at start:\n{output}");
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, RedisPort);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>
    /// One <typeparamref name="T"/> per <paramref name="name"/> for the whole collection (e.g. a pair of <c>engine serve</c>
    /// replicas), started on first use and disposed before the servers stop.
    /// </summary>
    public async Task<T> SharedAsync<T>(string name, Func<Task<T>> start) where T : class, IAsyncDisposable
    {
        Task<object> task;
        lock (_shared)
        {
            if (!_shared.TryGetValue(name, out task!)) _shared[name] = task = StartShared(start);
        }
        return (T)await task;
    }

    private static async Task<object> StartShared<T>(Func<Task<T>> start) where T : class => await start();

    public async Task DisposeAsync()
    {
        foreach (var shared in _shared.Values)
        {
            if (shared.IsCompletedSuccessfully) await ((IAsyncDisposable)shared.Result).DisposeAsync();
        }
        await StopRedisAsync();
        try
        {
            await StopPostgresAsync();
        }
        catch (InvalidOperationException)
        {
            // Not running (a test stopped it and failed before starting it again).
        }
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>A TCP port nothing listens on now (the kernel's pick for port 0).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task RunPostgresToolAsync(string tool, string[] args)
    {
        var path = Path.Combine(_pgBin, tool);
        return _asRoot ? RunAsync("runuser", ["-u", "postgres", "--", path, .. args]) : RunAsync(path, args);
    }

    private static async Task RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
    }
}
