using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Engine.Generation;
using Engine.Model;
using Engine.Scheduling;
using Engine.Tokenization;

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
        var threads = new Option<int>("--threads") { Description = "CPU threads; 0 means every core.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of streaming text." };
        var command = new Command("generate", "Generate a continuation of a prompt.") { model, prompt, maxTokens, temperature, seed, threads, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new GenerateOptions(
                parse.GetValue(model), parse.GetValue(prompt)!, parse.GetValue(maxTokens), parse.GetValue(temperature),
                parse.GetValue(seed), parse.GetValue(threads), parse.GetValue(json));
            return await RunAsync(options, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private sealed record GenerateOptions(string? Model, string Prompt, int MaxTokens, float Temperature, int Seed, int Threads, bool Json);

    private static async Task<int> RunAsync(GenerateOptions o, CancellationToken cancellationToken)
    {
        if (o.MaxTokens <= 0)
        {
            await Console.Error.WriteLineAsync("--max-tokens must be positive.").ConfigureAwait(false);
            return 2;
        }
        using var loaded = CliModel.Load(o.Model);
        if (loaded.Notice is { } notice)
        {
            Console.Error.WriteLine(notice);
        }
        using var engine = LlmEngine.Create(loaded.Config, loaded.Weights, new EngineOptions { Threads = o.Threads, MaxNumSeqs = 1 });
        var promptIds = loaded.Tokenizer.Encode(o.Prompt, addSpecialTokens: true);
        var request = new GenerationRequest(promptIds, o.MaxTokens)
        {
            SamplerFactory = () => o.Temperature > 0 ? new SimpleTemperatureSampler(o.Temperature, o.Seed) : new GreedySampler(),
        };

        var generated = new List<int>();
        FinishReason? finish = null;
        var detokenizer = loaded.Tokenizer.CreateDetokenizer(skipSpecialTokens: true);
        var clock = Stopwatch.StartNew();
        var firstTokenAt = TimeSpan.Zero;
        await foreach (var output in engine.GenerateAsync(request, cancellationToken).ConfigureAwait(false))
        {
            if (generated.Count == 0)
            {
                firstTokenAt = clock.Elapsed;
            }
            generated.Add(output.TokenId);
            finish = output.FinishReason;
            if (!o.Json)
            {
                Console.Write(detokenizer.Add(output.TokenId));
            }
        }
        var total = clock.Elapsed;
        var finalText = loaded.Tokenizer.Decode(generated.ToArray(), skipSpecialTokens: true);
        var prefillPerSecond = promptIds.Length / Math.Max(firstTokenAt.TotalSeconds, 1e-9);
        var decodePerSecond = generated.Count > 1 ? (generated.Count - 1) / Math.Max((total - firstTokenAt).TotalSeconds, 1e-9) : 0;

        if (o.Json)
        {
            using var stdout = Console.OpenStandardOutput();
            using (var writer = new Utf8JsonWriter(stdout))
            {
                writer.WriteStartObject();
                writer.WriteString("model", loaded.Config.Name);
                WriteIds(writer, "prompt_token_ids", promptIds);
                WriteIds(writer, "token_ids", generated);
                writer.WriteString("text", finalText);
                writer.WriteString("finish_reason", finish == FinishReason.Stop ? "stop" : "length");
                writer.WriteNumber("prefill_tokens_per_s", Math.Round(prefillPerSecond, 2));
                writer.WriteNumber("decode_tokens_per_s", Math.Round(decodePerSecond, 2));
                writer.WriteEndObject();
            }
            Console.WriteLine();
        }
        else
        {
            Console.WriteLine(detokenizer.Finish());
            await Console.Error.WriteLineAsync(
                $"[{generated.Count} tokens, finish_reason={(finish == FinishReason.Stop ? "stop" : "length")}, prefill {prefillPerSecond:F1} tok/s, decode {decodePerSecond:F1} tok/s, {engine.BackendName}]").ConfigureAwait(false);
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

    /// <summary>A model for the CLI: config, weights and tokenizer, from a directory or the built-in model.</summary>
    private sealed class CliModel : IDisposable
    {
        private readonly ModelCheckpoint? _checkpoint;

        private CliModel(ModelConfig config, Weights weights, Tokenizer tokenizer, string? notice, ModelCheckpoint? checkpoint)
        {
            Config = config;
            Weights = weights;
            Tokenizer = tokenizer;
            Notice = notice;
            _checkpoint = checkpoint;
        }

        public ModelConfig Config { get; }

        public Weights Weights { get; }

        public Tokenizer Tokenizer { get; }

        /// <summary>A line to show the user before generating (the built-in model's random-weights warning).</summary>
        public string? Notice { get; }

        public static CliModel Load(string? directory)
        {
            if (directory is null)
            {
                return new CliModel(BuiltinModel.Config, BuiltinModel.CreateWeights(), BuiltinModel.CreateTokenizer(), BuiltinModel.Notice, null);
            }
            var tokenizer = Tokenizer.FromDirectory(directory);
            var checkpoint = ModelCheckpoint.Open(directory);
            return new CliModel(checkpoint.Config, checkpoint.Weights, tokenizer, null, checkpoint);
        }

        public void Dispose() => _checkpoint?.Dispose();
    }
}
