using System.Diagnostics;
using System.Text;

namespace Server.Tests.Replicas;

/// <summary>
/// The real <c>engine</c> executable of this build, run as its own process (<c>dotnet engine.dll …</c>): a replica
/// (<c>engine serve</c> on 127.0.0.1 and a free port) or a one-shot command such as <c>engine keys create</c>.
/// </summary>
public sealed class EngineProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private EngineProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public int Port { get; }

    public HttpClient Client { get; }

    /// <summary>What the process printed so far, for failure messages.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private static ProcessStartInfo Start(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "engine.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_NOLOGO"] = "1";
        return start;
    }

    /// <summary>Starts <c>engine serve</c> with <paramref name="args"/> and waits (bounded) until its /health answers 200.</summary>
    public static async Task<EngineProcess> ServeAsync(params string[] args)
    {
        var port = StoreServers.FreePort();
        var process = Process.Start(Start(["serve", "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. args]))
            ?? throw new InvalidOperationException("engine serve did not start.");
        var replica = new EngineProcess(process, port);
        process.OutputDataReceived += (_, e) => replica.Append(e.Data);
        process.ErrorDataReceived += (_, e) => replica.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"engine serve {string.Join(' ', args)} exited with {process.ExitCode}:\n{replica.Output}");
            try
            {
                if ((await replica.Client.GetAsync("/health")).IsSuccessStatusCode) return replica;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > deadline)
            {
                await replica.DisposeAsync();
                throw new InvalidOperationException($"engine serve did not become healthy within 90 s:\n{replica.Output}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Runs a one-shot command (e.g. <c>keys create …</c>) to its end; returns stdout, stderr, exit code.</summary>
    public static async Task<(string Stdout, string Stderr, int ExitCode)> RunAsync(params string[] args)
    {
        using var process = Process.Start(Start(args)) ?? throw new InvalidOperationException("engine did not start.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (await stdout, await stderr, process.ExitCode);
    }

    /// <summary>SIGKILL: the replica dies without releasing anything, as a crashed machine would.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await KillAsync();
        _process.Dispose();
    }
}
