using System.Buffers;
using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Engine.Generation;
using Engine.Lora;
using Engine.Model;
using Engine.Sampling;
using Engine.Scheduling;
using Engine.Tokenization;
using Loader.Adapters;

namespace Server.Cli;

/// <summary>
/// <c>engine generate</c>: runs one prompt through the engine and streams the text, or prints one JSON object with
/// the prompt and generated token ids, the text, the finish reason and prefill/decode speeds.
/// </summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Model directory (HF layout). Default: the built-in random-weight model." };
        var prompt = new Option<string>("--prompt") { Description = "Prompt text.", Required = true };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens to generate.", DefaultValueFactory = _ => 64 };
        var temperature = new Option<float>("--temperature") { Description = "Sampling temperature; 0 is greedy.", DefaultValueFactory = _ => 0f };
        var seed = new Option<int>("--seed") { Description = "Sampler seed.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of streaming text." };
        var ignoreEos = new Option<bool>("--ignore-eos") { Description = "Keep generating past end-of-sequence tokens, up to --max-tokens (for benchmarks; the API's ignore_eos)." };
        var lora = new Option<string?>("--lora") { Description = "PEFT LoRA adapter directory to run over the model." };
        var multiplier = new Option<float>("--multiplier") { Description = "Scales the LoRA adapter's delta (W + M · alpha/r · B·A).", DefaultValueFactory = _ => 1f };
        var device = new DeviceOptions();
        var command = new Command("generate", "Generate a continuation of a prompt.") { model, prompt, maxTokens, temperature, seed, json, ignoreEos, lora, multiplier };
        foreach (var option in device.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parse, cancellationToken) =>
        {
            EngineOptions deviceOptions;
            try
            {
                deviceOptions = device.Apply(parse, new EngineOptions());
            }
            catch (FormatException e)
            {
                await Console.Error.WriteLineAsync($"engine generate: {e.Message}").ConfigureAwait(false);
                return 2;
            }
            var options = new GenerateOptions(
                parse.GetValue(model), parse.GetValue(prompt)!, parse.GetValue(maxTokens), parse.GetValue(temperature),
                parse.GetValue(seed), deviceOptions.Threads, parse.GetValue(json), parse.GetValue(lora), parse.GetValue(multiplier))
            {
                IgnoreEos = parse.GetValue(ignoreEos),
                Device = deviceOptions.Device,
                GpuMemoryUtilization = deviceOptions.GpuMemoryUtilization,
                KvCacheDType = deviceOptions.KvCacheDType,
                DeviceSampling = deviceOptions.DeviceSampling,
            };
            return await RunAsync(options, Console.Out, Console.Error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The options of one <c>engine generate</c> run (null <paramref name="Model"/>: the built-in model; null <paramref name="Lora"/>: no adapter).</summary>
    public sealed record GenerateOptions(string? Model, string Prompt, int MaxTokens, float Temperature, int Seed, int Threads, bool Json, string? Lora = null, float Multiplier = 1f)
    {
        /// <summary>Where the model runs (<c>--device</c>; the command line's default is auto, this record's cpu).</summary>
        public EngineDevice Device { get; init; } = EngineDevice.Cpu;

        public double GpuMemoryUtilization { get; init; } = 0.9;

        /// <summary>The GPU KV cache's dtype; null: the checkpoint's.</summary>
        public DType? KvCacheDType { get; init; }

        /// <summary>Sample on the device when the model runs there (<c>--sampling-device auto</c>); false: on the host.</summary>
        public bool DeviceSampling { get; init; } = true;

        /// <summary>Generate past end-of-sequence tokens up to <see cref="MaxTokens"/> (<c>--ignore-eos</c>).</summary>
        public bool IgnoreEos { get; init; }
    }


    /// <summary>Runs <c>engine generate</c>: text (or one JSON object) to <paramref name="stdout"/>, notices and errors to <paramref name="stderr"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(GenerateOptions o, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (o.MaxTokens <= 0)
        {
            await stderr.WriteLineAsync("--max-tokens must be positive.").ConfigureAwait(false);
            return 2;
        }
        if (!float.IsFinite(o.Multiplier))
        {
            await stderr.WriteLineAsync("--multiplier must be a finite number.").ConfigureAwait(false);
            return 2;
        }
        using var loaded = CliModel.Load(o.Model);
        if (loaded.Notice is { } notice)
        {
            await stderr.WriteLineAsync(notice).ConfigureAwait(false);
        }
        // the engine's name for the one adapter of --lora: its folder's name, which error messages then show
        var loraName = o.Lora is null ? null : Path.GetFileName(Path.TrimEndingDirectorySeparator(o.Lora));
        var engineOptions = new EngineOptions
        {
            Threads = o.Threads,
            MaxNumSeqs = 1,
            Device = o.Device,
            GpuMemoryUtilization = o.GpuMemoryUtilization,
            KvCacheDType = o.KvCacheDType,
            DeviceSampling = o.DeviceSampling,
            StartupLog = stderr,
            LoraAdapters = o.Lora is null ? [] : [new LoraAdapterSpec(loraName!, o.Lora)],
        };
        LlmEngine engine;
        try
        {
            engine = LlmEngine.Create(loaded.Config, loaded.Weights, engineOptions, loaded.Tokenizer);
        }
        catch (LoraFormatException e)
        {
            await stderr.WriteLineAsync($"engine generate: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (NotSupportedException e)
        {
            // --device cuda without a usable device
            await stderr.WriteLineAsync($"engine generate: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (Engine.Backends.Cuda.InsufficientGpuMemoryException e)
        {
            await stderr.WriteLineAsync($"engine generate: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        using var owned = engine;
        var promptIds = loaded.Tokenizer.Encode(o.Prompt);
        var sampling = new SamplingParams { Temperature = o.Temperature, Seed = o.Seed, IgnoreEos = o.IgnoreEos }.Validate();
        var maxTokens = Math.Min(o.MaxTokens, loaded.Config.MaxContext + 1 - promptIds.Length);
        if (maxTokens <= 0)
        {
            await stderr.WriteLineAsync($"The prompt has {promptIds.Length} tokens; the context is {loaded.Config.MaxContext}.").ConfigureAwait(false);
            return 2;
        }
        var request = new EngineRequest(promptIds, sampling, maxTokens) { Lora = loraName, Multiplier = o.Multiplier };

        var generated = new List<int>();
        var text = new StringBuilder();
        FinishReason? finish = null;
        var clock = Stopwatch.StartNew();
        var firstTokenAt = TimeSpan.Zero;
        await foreach (var output in engine.GenerateAsync(request, cancellationToken).ConfigureAwait(false))
        {
            if (generated.Count == 0 && output.TokenIds.Count > 0)
            {
                firstTokenAt = clock.Elapsed;
            }
            generated.AddRange(output.TokenIds);
            text.Append(output.Text);
            finish = output.FinishReason ?? finish;
            if (!o.Json)
            {
                await stdout.WriteAsync(output.Text).ConfigureAwait(false);
            }
        }
        var total = clock.Elapsed;
        var prefillPerSecond = promptIds.Length / Math.Max(firstTokenAt.TotalSeconds, 1e-9);
        var decodePerSecond = generated.Count > 1 ? (generated.Count - 1) / Math.Max((total - firstTokenAt).TotalSeconds, 1e-9) : 0;
        var finishText = finish switch { FinishReason.Stop => "stop", FinishReason.Length => "length", _ => "abort" };

        if (o.Json)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("model", loaded.Config.Name);
                WriteIds(writer, "prompt_token_ids", promptIds);
                WriteIds(writer, "token_ids", generated);
                writer.WriteString("text", text.ToString());
                writer.WriteString("finish_reason", finishText);
                writer.WriteNumber("prefill_tokens_per_s", Math.Round(prefillPerSecond, 2));
                writer.WriteNumber("decode_tokens_per_s", Math.Round(decodePerSecond, 2));
                writer.WriteEndObject();
            }
            await stdout.WriteLineAsync(Encoding.UTF8.GetString(buffer.WrittenSpan)).ConfigureAwait(false);
        }
        else
        {
            await stdout.WriteLineAsync().ConfigureAwait(false);
            await stderr.WriteLineAsync(
                $"[{generated.Count} tokens, finish_reason={finishText}, prefill {prefillPerSecond:F1} tok/s, decode {decodePerSecond:F1} tok/s, {engine.BackendName}]").ConfigureAwait(false);
        }
        return 0;
    }

    private static void WriteIds(Utf8JsonWriter writer, string name, IEnumerable<int> ids)
    {
        writer.WriteStartArray(name);
        foreach (var id in ids)
        {
            writer.WriteNumberValue(id);
        }
        writer.WriteEndArray();
    }

    /// <summary>A model for the CLI: config, weights and tokenizer (the checkpoint stays open while in use).</summary>
    private sealed class CliModel(ModelConfig config, Weights weights, Tokenizer tokenizer, string? notice, IDisposable? owner) : IDisposable
    {
        public ModelConfig Config { get; } = config;

        public Weights Weights { get; } = weights;

        public Tokenizer Tokenizer { get; } = tokenizer;

        /// <summary>A line to show the user before generating (the built-in model's random-weights warning).</summary>
        public string? Notice { get; } = notice;

        public static CliModel Load(string? directory)
        {
            if (directory is null)
            {
                return new CliModel(BuiltinModel.Config, BuiltinModel.CreateWeights(), BuiltinModel.CreateTokenizer(), BuiltinModel.Notice, null);
            }
            var checkpoint = ModelCheckpoint.Open(directory);
            try
            {
                return new CliModel(checkpoint.Config, checkpoint.Weights, Tokenizer.FromDirectory(directory), null, checkpoint);
            }
            catch
            {
                checkpoint.Dispose();
                throw;
            }
        }

        public void Dispose() => owner?.Dispose();
    }
}
