using System.CommandLine;
using Loader.Adapters;
using Server.Generation;
using Server.Hosting;
using Server.Keys;

namespace Server.Cli;

/// <summary>
/// <c>engine serve</c>: loads the models through <see cref="HostFactory"/> and runs the OpenAI-compatible
/// HTTP server until Ctrl+C.
/// </summary>
public static class ServeCommand
{
    /// <summary>
    /// Builds the engine behind the server: by default the real engine (<see cref="EngineModelHost"/>), the
    /// built-in random-weight model when no <c>--model</c> is given.
    /// </summary>
    public static Func<EngineSettings, IModelHost> HostFactory { get; set; } = EngineModelHost.Load;

    public static Command Create()
    {
        var models = new Option<string[]>("--model") { Description = "NAME=DIR, repeatable; default: the built-in model.", AllowMultipleArgumentsPerToken = false };
        var host = new Option<string>("--host") { Description = "Address to bind (loopback is forced without --keys-db).", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port.", DefaultValueFactory = _ => 8000 };
        var keysDb = new Option<string?>("--keys-db") { Description = "API key database (engine keys create): a SQLite file, or PostgreSQL shared by replicas (postgres://user:pass@host:port/db or Host=…;Database=…); without it authentication is off." };
        var limitsRedis = new Option<string?>("--limits-redis") { Description = "Redis for the limit counters shared by replicas (redis://[:pass@]host:port or host:port,password=…); default with a PostgreSQL --keys-db: PostgreSQL." };
        var slotLease = new Option<double>("--slot-lease") { Description = "Seconds a shared parallel slot outlives its replica (renewed while the request runs).", DefaultValueFactory = _ => 30 };
        var maxNumSeqs = new Option<int?>("--max-num-seqs") { Description = "Sequences the scheduler runs at once." };
        var kvBlocks = new Option<int?>("--kv-blocks") { Description = "KV-cache blocks to allocate." };
        var chatTemplate = new Option<string?>("--chat-template") { Description = "Jinja chat template file for every model." };
        var maxBody = new Option<int>("--max-body-mb") { Description = "Request body limit in MiB (413 above).", DefaultValueFactory = _ => 32 };
        var cors = new Option<string[]>("--cors-origin") { Description = "Allowed CORS origin, repeatable." };
        var loras = new Option<string[]>("--lora") { Description = "NAME=ADAPTER_DIR@BASE, repeatable: serve a PEFT LoRA adapter over the --model BASE as NAME." };
        var toolCallParser = new Option<string?>("--tool-call-parser") { Description = "Parser of tool calls in generated text, enabling tool_choice \"auto\": hermes (<tool_call>{...}</tool_call>, Hermes/Qwen), llama3_json ({\"name\", \"parameters\"}; ..., Llama 3.1/3.2), mistral ([TOOL_CALLS][...], Mistral)." };
        toolCallParser.AcceptOnlyFromAmong([.. Tools.ToolCallParsers.Names]);
        var noPrefixCaching = new Option<bool>("--no-prefix-caching") { Description = "Compute every prompt in full instead of reusing cached KV blocks of shared prefixes." };
        var noParseSpecial = new Option<bool>("--no-parse-special") { Description = "Encode special-token text in prompts and message content literally (llama.cpp's parse-special off); chat templates' own special tokens stay special." };
        var keepAlive = new Option<double>("--sse-keep-alive") { Description = "Seconds of silence after which a stream gets a ': keep-alive' comment (0: never).", DefaultValueFactory = _ => 15 };
        var device = new DeviceOptions();
        var defaults = new ServerOptions();
        var maxN = PositiveOption("--max-n", "Upper bound of n and best_of.", defaults.MaxN);
        var maxPrompts = PositiveOption("--max-prompts", "Most prompts in one completions request.", defaults.MaxPromptsPerRequest);
        var maxSeqsPerRequest = PositiveOption("--max-seqs-per-request", "Most sequences one request may add: prompts × max(n, best_of).", defaults.MaxSequencesPerRequest);
        var maxQueued = PositiveOption("--max-queued-seqs", "Most sequences queued or running; past it requests get 503 with Retry-After.", defaults.MaxQueuedSequences);
        var maxGuided = PositiveOption("--max-guided-chars", "Longest guided constraint (guided_*, response_format) in characters.", defaults.MaxGuidedChars);
        var maxConnections = PositiveOption("--max-connections", "Most open client connections.", (int)defaults.MaxConcurrentConnections);
        var idleTimeout = PositiveOption("--idle-timeout", "Seconds an idle keep-alive connection is held.", (int)defaults.IdleConnectionTimeout.TotalSeconds);
        var command = new Command("serve", "Run the OpenAI-compatible HTTP server.")
        {
            models, host, port, keysDb, limitsRedis, slotLease, maxNumSeqs, kvBlocks, chatTemplate, maxBody, cors, loras, toolCallParser, noPrefixCaching, noParseSpecial, keepAlive,
            maxN, maxPrompts, maxSeqsPerRequest, maxQueued, maxGuided, maxConnections, idleTimeout,
        };
        foreach (var option in device.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parse, cancellationToken) =>
        {
            Dictionary<string, string> modelDirs;
            List<LoraSetting> loraSettings;
            Engine.Generation.EngineOptions deviceOptions;
            try
            {
                deviceOptions = device.Apply(parse, new Engine.Generation.EngineOptions());
                modelDirs = ParseModels(parse.GetValue(models) ?? []);
                loraSettings = ParseLoras(parse.GetValue(loras) ?? [], modelDirs.Count == 0 ? [EngineModelHost.BuiltinName] : modelDirs.Keys);
            }
            catch (FormatException e)
            {
                await Console.Error.WriteLineAsync($"engine serve: {e.Message}").ConfigureAwait(false);
                return 2;
            }
            if (parse.GetValue(keepAlive) is var seconds && (seconds < 0 || !double.IsFinite(seconds)))
            {
                await Console.Error.WriteLineAsync($"engine serve: --sse-keep-alive must be a number of seconds ≥ 0, got {seconds}.").ConfigureAwait(false);
                return 2;
            }
            var settings = new EngineSettings(modelDirs, parse.GetValue(maxNumSeqs), parse.GetValue(kvBlocks), parse.GetValue(chatTemplate))
            {
                Loras = loraSettings,
                EnablePrefixCaching = !parse.GetValue(noPrefixCaching),
                ParseSpecial = !parse.GetValue(noParseSpecial),
                Device = deviceOptions.Device,
                Threads = deviceOptions.Threads,
                GpuMemoryUtilization = deviceOptions.GpuMemoryUtilization,
                KvCacheDType = deviceOptions.KvCacheDType,
                DeviceSampling = deviceOptions.DeviceSampling,
                StartupLog = Console.Error,
            };
            foreach (var limit in (ReadOnlySpan<Option<int>>)[maxN, maxPrompts, maxSeqsPerRequest, maxQueued, maxGuided, maxConnections, idleTimeout])
            {
                if (parse.GetValue(limit) < 1)
                {
                    await Console.Error.WriteLineAsync($"engine serve: {limit.Name} must be at least 1, got {parse.GetValue(limit)}.").ConfigureAwait(false);
                    return 2;
                }
            }
            var options = new ServerOptions
            {
                MaxN = parse.GetValue(maxN),
                MaxPromptsPerRequest = parse.GetValue(maxPrompts),
                MaxSequencesPerRequest = parse.GetValue(maxSeqsPerRequest),
                MaxQueuedSequences = parse.GetValue(maxQueued),
                MaxGuidedChars = parse.GetValue(maxGuided),
                MaxConcurrentConnections = parse.GetValue(maxConnections),
                IdleConnectionTimeout = TimeSpan.FromSeconds(parse.GetValue(idleTimeout)),
                Host = parse.GetValue(host)!,
                Port = parse.GetValue(port),
                MaxRequestBodyBytes = (long)parse.GetValue(maxBody) << 20,
                CorsOrigins = parse.GetValue(cors) ?? [],
                ToolCallParser = parse.GetValue(toolCallParser),
                KeepAliveInterval = TimeSpan.FromSeconds(parse.GetValue(keepAlive)),
            };
            if (parse.GetValue(slotLease) is var lease && (lease <= 0 || !double.IsFinite(lease)))
            {
                await Console.Error.WriteLineAsync($"engine serve: --slot-lease must be a number of seconds > 0, got {lease}.").ConfigureAwait(false);
                return 2;
            }
            ServeStores stores;
            try
            {
                stores = await ServeStores.OpenAsync(parse.GetValue(keysDb), parse.GetValue(limitsRedis), TimeSpan.FromSeconds(lease), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is FormatException or KeyDatabaseUnavailableException)
            {
                await Console.Error.WriteLineAsync($"engine serve: {e.Message}").ConfigureAwait(false);
                return e is FormatException ? 2 : 1;
            }
            await using var ownedStores = stores.ConfigureAwait(false);
            IModelHost modelHost;
            try
            {
                modelHost = HostFactory(settings);
            }
            catch (LoraFormatException e)
            {
                // a bad adapter is the operator's input: say which file and tensor, no stack trace
                await Console.Error.WriteLineAsync($"engine serve: {e.Message}").ConfigureAwait(false);
                return 1;
            }
            catch (NotSupportedException e)
            {
                // --device cuda without a usable device
                await Console.Error.WriteLineAsync($"engine serve: {e.Message}").ConfigureAwait(false);
                return 2;
            }
            catch (Engine.Backends.Cuda.InsufficientGpuMemoryException e)
            {
                await Console.Error.WriteLineAsync($"engine serve: {e.Message}").ConfigureAwait(false);
                return 1;
            }
            using var owned = modelHost as IDisposable;
            await using var app = ServerApp.Build(options, modelHost, stores.Keys, limiter: stores.Limiter);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            ServerApp.LogListening(app, modelHost, stores.Description);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Option<int> PositiveOption(string name, string description, int defaultValue) =>
        new(name) { Description = $"{description} Default {defaultValue}.", DefaultValueFactory = _ => defaultValue };

    /// <summary>Parses repeated <c>NAME=DIR</c> values; names must be unique.</summary>
    public static Dictionary<string, string> ParseModels(IEnumerable<string> specs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            var eq = spec.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == spec.Length - 1)
                throw new FormatException($"--model '{spec}' must look like NAME=DIR.");
            if (!result.TryAdd(spec[..eq], spec[(eq + 1)..]))
                throw new FormatException($"--model name '{spec[..eq]}' is given twice.");
        }
        return result;
    }

    /// <summary>
    /// Parses repeated <c>NAME=ADAPTER_DIR@BASE</c> values (the last <c>@</c> ends the directory). Names must be
    /// unique and differ from every model name; BASE must be one of <paramref name="modelNames"/>.
    /// </summary>
    public static List<LoraSetting> ParseLoras(IEnumerable<string> specs, IReadOnlyCollection<string> modelNames)
    {
        var result = new List<LoraSetting>();
        foreach (var spec in specs)
        {
            var eq = spec.IndexOf('=', StringComparison.Ordinal);
            var at = spec.LastIndexOf('@');
            if (eq <= 0 || at <= eq + 1 || at == spec.Length - 1)
                throw new FormatException($"--lora '{spec}' must look like NAME=ADAPTER_DIR@BASE.");
            var (name, directory, baseModel) = (spec[..eq], spec[(eq + 1)..at], spec[(at + 1)..]);
            if (!modelNames.Contains(baseModel))
                throw new FormatException($"--lora '{name}': base model '{baseModel}' is not served (models: {string.Join(", ", modelNames)}).");
            if (modelNames.Contains(name) || result.Any(l => l.Name == name))
                throw new FormatException($"--lora name '{name}' is already taken.");
            result.Add(new LoraSetting(name, directory, baseModel));
        }
        return result;
    }
}
