using System.CommandLine;
using System.Text.Json;
using Engine.Backends.Cuda.Sampling.Selection;
using Engine.Sampling;
using Kernels;

namespace Server.Cli;

/// <summary>
/// <c>engine samplers</c>: the research harness. Runs a request's sampler chain for one decoding step over
/// one logit vector and prints the processed distribution <c>{"probs": [...]}</c> over the full vocabulary.
/// <c>--device</c> picks who runs it: <c>cpu</c> the CPU chain (the reference), <c>cuda</c> the device sampler
/// kernels on the GPU, <c>check</c> the same kernels on ILGPU's CPU accelerator.
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
        var device = new Option<string>("--device") { Description = "cpu (the CPU chain), cuda (the device kernels on the GPU) or check (the device kernels on ILGPU's CPU accelerator).", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda", "check");
        var command = new Command("samplers", "Print the processed distribution of one decoding step.") { logits, parameters, prompt, history, eos, device };
        command.SetAction(parse =>
        {
            try
            {
                using var body = JsonDocument.Parse(parse.GetValue(parameters)!);
                var row = SamplingProbe.ReadLogits(parse.GetValue(logits)!);
                var promptIds = SamplingProbe.ParseIds(parse.GetValue(prompt), "--prompt");
                var historyIds = SamplingProbe.ParseIds(parse.GetValue(history), "--history");
                var eosIds = SamplingProbe.ParseIds(parse.GetValue(eos), "--eos");
                var probs = parse.GetValue(device) switch
                {
                    "cuda" => OnDevice(KernelDevice.Cuda, row, body.RootElement, historyIds),
                    "check" => OnDevice(KernelDevice.Cpu, row, body.RootElement, historyIds),
                    _ => SamplingProbe.ProcessedDistribution(row, body.RootElement, promptIds, historyIds, eosIds),
                };
                Console.WriteLine(SamplingProbe.ToJson(probs));
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or JsonException or IOException or NotSupportedException)
            {
                Console.Error.WriteLine($"engine samplers: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    // The device chain has no penalty stages of its own (the prompt and EOS ids feed only those): a request that
    // needs them is refused by the chain with NotSupportedException naming the stage.
    private static float[] OnDevice(KernelDevice kind, float[] row, JsonElement body, IReadOnlyList<int> history)
    {
        using var context = KernelContext.Create(kind);
        return DeviceSamplingProbe.ProcessedDistribution(context, row, body, history);
    }
}
