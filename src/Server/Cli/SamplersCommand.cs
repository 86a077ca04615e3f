using System.CommandLine;
using System.Text.Json;
using Engine.Sampling;

namespace Server.Cli;

/// <summary>
/// <c>engine samplers</c>: the research harness. Runs a request's sampler chain for one decoding step over
/// one logit vector and prints the processed distribution <c>{"probs": [...]}</c> over the full vocabulary.
/// </summary>
public static class SamplersCommand
{
    public static Command Create()
    {
        var logits = new Option<string>("--logits") { Description = "JSON array of logits, or a .safetensors file with one F32 tensor 'logits' of shape [V].", Required = true };
        var parameters = new Option<string>("--params") { Description = "A request's JSON (sampling fields as in /v1/completions).", Required = true };
        var prompt = new Option<string?>("--prompt") { Description = "Prompt token ids, comma-separated." };
        var history = new Option<string?>("--history") { Description = "Already generated token ids, comma-separated." };
        var eos = new Option<string?>("--eos") { Description = "EOS token ids, comma-separated." };
        var command = new Command("samplers", "Print the processed distribution of one decoding step.") { logits, parameters, prompt, history, eos };
        command.SetAction(parse =>
        {
            try
            {
                using var body = JsonDocument.Parse(parse.GetValue(parameters)!);
                var probs = SamplingProbe.ProcessedDistribution(
                    SamplingProbe.ReadLogits(parse.GetValue(logits)!),
                    body.RootElement,
                    SamplingProbe.ParseIds(parse.GetValue(prompt), "--prompt"),
                    SamplingProbe.ParseIds(parse.GetValue(history), "--history"),
                    SamplingProbe.ParseIds(parse.GetValue(eos), "--eos"));
                Console.WriteLine(SamplingProbe.ToJson(probs));
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or JsonException or IOException)
            {
                Console.Error.WriteLine($"engine samplers: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
