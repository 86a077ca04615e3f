using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bench.Common;
using Engine.ChatTemplates;

namespace Bench.ChatTemplates;

/// <summary>
/// <c>chat-template</c>: time to render the qwen3 fixture's chat template (the most involved of the fixtures:
/// namespace, reverse slicing, string methods, tojson) for a short and a long tool-using conversation, in the
/// engine's interpreter and, in the same run, in Python's Jinja2 configured as transformers configures it (the
/// yardstick; skipped when python3 with jinja2 is missing). Parsing is excluded on both sides (cached).
/// Writes bench/results/chat-template.md.
/// usage: chat-template [--iterations 2000] [--turns 4,200] [--out PATH]
/// </summary>
public static class ChatTemplateBench
{
    public static int Run(string[] args)
    {
        var iterations = int.Parse(BenchArgs.Arg(args, "--iterations", "2000"), CultureInfo.InvariantCulture);
        var turnCounts = BenchArgs.Arg(args, "--turns", "4,200").Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        var output = BenchArgs.Arg(args, "--out", Path.Combine("bench", "results", "chat-template.md"));
        var dir = Path.Combine(BenchArgs.RepoRoot(), "..", "shared", "fixtures", "tokenizers", "qwen3");
        var renderer = ChatTemplateRenderer.FromDirectory(dir);

        var rows = new List<string>();
        foreach (var turns in turnCounts)
        {
            var messages = Conversation(turns);
            var rendered = renderer.Render(messages, addGenerationPrompt: true);
            var n = Math.Max(10, iterations * 4 / turns);
            for (var i = 0; i < Math.Min(n, 50); i++)
            {
                renderer.Render(messages, addGenerationPrompt: true);   // warm the JIT
            }
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < n; i++)
            {
                renderer.Render(messages, addGenerationPrompt: true);
            }
            var ours = clock.Elapsed.TotalMicroseconds / n;
            var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / n;
            var jinja = PythonJinja2Microseconds(dir, messages, n);
            var ratio = jinja is { } j ? $"{j / ours:F1}x" : "n/a";
            var row = $"| {turns} | {rendered.Length} | {ours:F1} | {allocated / 1024.0:F1} | {(jinja is { } p ? p.ToString("F1", CultureInfo.InvariantCulture) : "n/a")} | {ratio} |";
            Console.WriteLine(row);
            rows.Add(row);
        }
        Write(output, args, rows);
        Console.WriteLine($"written to {output}");
        return 0;
    }

    // A user/assistant exchange with a tool call and tool result every fourth turn.
    internal static JsonArray Conversation(int turns)
    {
        var messages = new JsonArray { new JsonObject { ["role"] = "system", ["content"] = "You are a helpful assistant." } };
        for (var i = 0; i < turns; i++)
        {
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = $"Question {i}: what is the weather in city {i}? Ünïcödé 😀" });
            if (i % 4 == 3)
            {
                messages.Add(new JsonObject
                {
                    ["role"] = "assistant",
                    ["content"] = "",
                    ["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = "get_weather", ["arguments"] = new JsonObject { ["city"] = $"city {i}", ["days"] = 3 } },
                    }),
                });
                messages.Add(new JsonObject { ["role"] = "tool", ["content"] = "{\"temp\": 21.5}" });
            }
            messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = $"<think>\nreasoning {i}\n</think>\n\nIt is sunny in city {i}." });
        }
        return messages;
    }

    private static double? PythonJinja2Microseconds(string dir, JsonArray messages, int n)
    {
        var script = Path.GetTempFileName();
        var data = Path.GetTempFileName();
        try
        {
            File.WriteAllText(data, new JsonObject { ["messages"] = messages.DeepClone(), ["dir"] = dir, ["n"] = n }.ToJsonString());
            File.WriteAllText(script, """
                import json, sys, time
                from jinja2.ext import loopcontrols
                from jinja2.sandbox import ImmutableSandboxedEnvironment
                d = json.load(open(sys.argv[1]))
                cfg = json.load(open(d["dir"] + "/tokenizer_config.json"))
                env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
                env.filters["tojson"] = lambda x, ensure_ascii=False, indent=None, separators=None, sort_keys=False: json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
                t = env.from_string(cfg["chat_template"])
                kw = dict(messages=d["messages"], add_generation_prompt=True, tools=None, documents=None, eos_token=cfg["eos_token"])
                for _ in range(min(d["n"], 50)): t.render(**kw)
                start = time.perf_counter()
                for _ in range(d["n"]): t.render(**kw)
                print((time.perf_counter() - start) / d["n"] * 1e6)
                """);
            using var python = Process.Start(new ProcessStartInfo("python3", [script, data]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var stdout = python.StandardOutput.ReadToEnd();
            python.WaitForExit();
            return python.ExitCode == 0 ? double.Parse(stdout.Trim(), CultureInfo.InvariantCulture) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        finally
        {
            File.Delete(script);
            File.Delete(data);
        }
    }

    private static void Write(string path, string[] args, List<string> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# chat-template");
        sb.AppendLine();
        sb.AppendLine($"Machine: {MachineInfo.Cores} cores, {MachineInfo.CpuModel("unknown CPU")}; {MachineInfo.Date} UTC.");
        sb.AppendLine($"Command: `dotnet run -c Release --project bench -- chat-template {string.Join(' ', args)}`");
        var load = MachineInfo.LoadAverage();
        sb.AppendLine($"Shared, noisy machine (/proc/loadavg at the end: {load}): compare the ratio column, measured side by side in one run, not absolute times.");
        sb.AppendLine();
        sb.AppendLine("Render of the qwen3 fixture template (parse cached) for a conversation of N user turns with a tool call every fourth turn.");
        sb.AppendLine();
        sb.AppendLine("| user turns | output chars | engine µs/render | engine KiB allocated/render | Jinja2 3.1 µs/render | Jinja2 / engine |");
        sb.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
        rows.ForEach(r => sb.AppendLine(r));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, sb.ToString());
    }
}
