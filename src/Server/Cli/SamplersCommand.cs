using System.CommandLine;
using System.Text.Json;
using Engine.Backends.Cuda.Sampling;
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
        command.SetAction(parse => Run(parse.GetValue(logits)!, parse.GetValue(parameters)!, parse.GetValue(prompt), parse.GetValue(history),
            parse.GetValue(eos), parse.GetValue(device)!, Console.Out, Console.Error));
        return command;
    }

    /// <summary>The command's work: prints <c>{"probs": [...]}</c> to <paramref name="output"/> and returns 0, or the error and 2.</summary>
    public static int Run(string logitsPath, string parametersJson, string? prompt, string? history, string? eos, string device,
        TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            using var body = JsonDocument.Parse(parametersJson);
            var row = SamplingProbe.ReadLogits(logitsPath);
            var promptIds = SamplingProbe.ParseIds(prompt, "--prompt");
            var historyIds = SamplingProbe.ParseIds(history, "--history");
            var eosIds = SamplingProbe.ParseIds(eos, "--eos");
            var probs = device switch
            {
                "cuda" => OnDevice(KernelDevice.Cuda, row, body.RootElement, promptIds, historyIds, eosIds),
                "check" => OnDevice(KernelDevice.Cpu, row, body.RootElement, promptIds, historyIds, eosIds),
                _ => SamplingProbe.ProcessedDistribution(row, body.RootElement, promptIds, historyIds, eosIds),
            };
            output.WriteLine(SamplingProbe.ToJson(probs));
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or JsonException or IOException or NotSupportedException)
        {
            error.WriteLine($"engine samplers: {e.Message}");
            return 2;
        }
    }

    private static float[] OnDevice(KernelDevice kind, float[] row, JsonElement body, IReadOnlyList<int> prompt, IReadOnlyList<int> history, IReadOnlyList<int> eos)
    {
        using var context = KernelContext.Create(kind);
        return DeviceSamplingProbe.ProcessedDistribution(context, row, body, prompt, history, eos);
    }
}
