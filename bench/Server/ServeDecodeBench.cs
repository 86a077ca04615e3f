using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Bench.Common;
using Bench.CpuForward;
using Engine.Model;

namespace Bench.Server;

/// <summary>
/// <c>serve-decode</c>: one sequence's decode tokens/s in <c>engine generate --json</c> and under <c>engine serve</c>
/// (one greedy streaming request at a time), on the cpu-forward 110M checkpoint, both the real <c>engine</c>
/// executable of this build with the same thread count. Rounds alternate generate and serve, so a slow phase of a
/// shared machine hits both; the server stays up (idle, its workers parked) while generate runs. generate's
/// number is its own <c>decode_tokens_per_s</c> (tokens after the first ÷ the time after the first); serve's is
/// measured the same way at the client, from the first content chunk to the last (a localhost SSE hop per token
/// included). Writes bench/results/serve-decode.md.
/// usage: serve-decode [--engine src/Server/bin/Release/net10.0/engine.dll] [--dtypes f32,bf16] [--threads 0]
/// [--rounds 5] [--max-tokens 128] [--prompt TEXT] [--out PATH]
/// </summary>
public static class ServeDecodeBench
{
    private sealed record Round(double Generate, double Serve);

    public static int Run(string[] args)
    {
        var engine = Path.GetFullPath(BenchArgs.Arg(args, "--engine", Path.Combine("src", "Server", "bin", "Release", "net10.0", "engine.dll")));
        if (!File.Exists(engine))
        {
            Console.Error.WriteLine($"serve-decode: {engine} not found; build it first: dotnet build src/Server -c Release");
            return 2;
        }
        var dtypes = BenchArgs.Arg(args, "--dtypes", "f32,bf16").Split(',').Select(d => Enum.Parse<DType>(d, ignoreCase: true)).ToArray();
        var threads = int.Parse(BenchArgs.Arg(args, "--threads", "0"), CultureInfo.InvariantCulture);
        var rounds = int.Parse(BenchArgs.Arg(args, "--rounds", "5"), CultureInfo.InvariantCulture);
        var maxTokens = int.Parse(BenchArgs.Arg(args, "--max-tokens", "128"), CultureInfo.InvariantCulture);
        var prompt = BenchArgs.Arg(args, "--prompt", "Once upon a time, in a land far away,");
        var output = BenchArgs.Arg(args, "--out", Path.Combine("bench", "results", "serve-decode.md"));
        var loadBefore = MachineInfo.LoadAverage();

        var results = new List<(DType DType, List<Round> Rounds)>();
        foreach (var dtype in dtypes)
        {
            var dir = Path.Combine(Path.GetTempPath(), $"serve-decode-{dtype}-{Environment.ProcessId}");
            try
            {
                CpuForwardBench.Prepare(dir, dtype, gguf: false);
                results.Add((dtype, Measure(engine, dir, threads, rounds, maxTokens, prompt).GetAwaiter().GetResult()));
                Console.WriteLine(Format(results[^1].DType, results[^1].Rounds));
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        Write(output, args, results, loadBefore, threads, rounds, maxTokens, prompt);
        Console.WriteLine($"written to {output}");
        return 0;
    }

    private static async Task<List<Round>> Measure(string engine, string dir, int threads, int rounds, int maxTokens, string prompt)
    {
        var port = FreePort();
        var threadArg = threads.ToString(CultureInfo.InvariantCulture);
        using var server = Start(engine, ["serve", "--model", $"m={dir}", "--port", port.ToString(CultureInfo.InvariantCulture), "--threads", threadArg, "--max-num-seqs", "1"]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
        await WaitHealthy(server, http).ConfigureAwait(false);
        var request = LoadOptions.Parse(["--prompt", prompt, "--max-tokens", maxTokens.ToString(CultureInfo.InvariantCulture)]);
        string[] generate = ["generate", "--model", dir, "--prompt", prompt, "--max-tokens", maxTokens.ToString(CultureInfo.InvariantCulture),
            "--ignore-eos", "--json", "--threads", threadArg, "--device", "cpu"];
        var measured = new List<Round>();
        for (var round = 0; round <= rounds; round++)   // round 0 warms up the server's JIT and the page cache
        {
            var g = await GenerateDecode(engine, generate).ConfigureAwait(false);
            var s = await ServeDecode(http, request, maxTokens).ConfigureAwait(false);
            if (round > 0)
            {
                measured.Add(new Round(g, s));
            }
        }
        server.Kill(entireProcessTree: true);
        return measured;
    }

    private static async Task<double> GenerateDecode(string engine, string[] args)
    {
        using var process = Start(engine, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"engine generate exited with {process.ExitCode}: {await stderr.ConfigureAwait(false)}");
        }
        using var json = JsonDocument.Parse(await stdout.ConfigureAwait(false));
        return json.RootElement.GetProperty("decode_tokens_per_s").GetDouble();
    }

    private static async Task<double> ServeDecode(HttpClient http, LoadOptions request, int maxTokens)
    {
        var sample = await ServerLoadSuite.StreamOneAsync(http, "m", request, temperature: 0f).ConfigureAwait(false);
        if (!sample.Ok || sample.Tokens != maxTokens || sample.ChunkTimes.Count < 2)
        {
            throw new InvalidOperationException($"engine serve: the request failed or stopped early ({sample.Tokens} of {maxTokens} tokens, {sample.ChunkTimes.Count} chunks).");
        }
        return (sample.Tokens - 1) / (sample.ChunkTimes[^1] - sample.ChunkTimes[0]).TotalSeconds;
    }

    private static Process Start(string engine, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(engine);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        return Process.Start(start) ?? throw new InvalidOperationException($"{engine} did not start.");
    }

    private static async Task WaitHealthy(Process server, HttpClient http)
    {
        // the server's output is drained so it never blocks on a full pipe
        server.OutputDataReceived += (_, _) => { };
        var log = new StringBuilder();
        server.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"engine serve exited with {server.ExitCode}: {log}");
            }
            try
            {
                if ((await http.GetAsync(new Uri("/health", UriKind.Relative)).ConfigureAwait(false)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"engine serve was not healthy within 120 s: {log}");
            }
            await Task.Delay(200).ConfigureAwait(false);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Format(DType dtype, List<Round> rounds) => string.Create(CultureInfo.InvariantCulture,
        $"| {dtype} | {Median(rounds.Select(r => r.Generate)):F1} | {Median(rounds.Select(r => r.Serve)):F1} | **{Median(rounds.Select(r => r.Serve / r.Generate)):F2}** | {rounds.Min(r => r.Serve / r.Generate):F2}–{rounds.Max(r => r.Serve / r.Generate):F2} |");

    private static void Write(string path, string[] args, List<(DType DType, List<Round> Rounds)> results, string loadBefore,
        int threads, int rounds, int maxTokens, string prompt)
    {
        var text = new StringBuilder();
        text.AppendLine("# serve-decode: one sequence's decode tok/s in `engine generate --json` and under `engine serve`");
        text.AppendLine();
        MachineInfo.AppendHeader(text, "serve-decode", args);
        text.AppendLine(CultureInfo.InvariantCulture, $"- load average at the start: {loadBefore}");
        text.AppendLine("- model: the cpu-forward 110M Llama shape (random weights, synthetic vocabulary), mapped from its HF directory; CPU backend");
        text.AppendLine(CultureInfo.InvariantCulture, $"- threads: {(threads == 0 ? "every core (0)" : threads.ToString(CultureInfo.InvariantCulture))}; {maxTokens} greedy tokens with ignore_eos after the prompt \"{prompt}\"; {rounds} rounds after a warm-up round, each `engine generate` then one streaming request to `engine serve --max-num-seqs 1` (up for the whole run)");
        text.AppendLine("- generate: its `decode_tokens_per_s`; serve: (tokens − 1) ÷ (last content chunk − first content chunk) at the client; ratio = the median of the rounds' own serve ÷ generate");
        text.AppendLine("- NOISY: the machine is shared; only the ratios of numbers taken side by side in this run mean anything.");
        text.AppendLine();
        text.AppendLine("| weights | generate decode tok/s | serve decode tok/s | serve ÷ generate | range over rounds |");
        text.AppendLine("|---|---|---|---|---|");
        results.ForEach(r => text.AppendLine(Format(r.DType, r.Rounds)));
        text.AppendLine();
        text.AppendLine("## Every round");
        text.AppendLine();
        text.AppendLine("| weights | round | generate decode tok/s | serve decode tok/s | serve ÷ generate |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var (dtype, measured) in results)
        {
            for (var i = 0; i < measured.Count; i++)
            {
                text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {dtype} | {i + 1} | {measured[i].Generate:F1} | {measured[i].Serve:F1} | {measured[i].Serve / measured[i].Generate:F2} |"));
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, text.ToString());
    }
}
