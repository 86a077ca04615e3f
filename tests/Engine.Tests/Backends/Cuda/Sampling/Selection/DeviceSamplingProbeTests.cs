using System.Text.Json;
using Engine.Backends.Cuda.Sampling;
using Engine.Sampling;
using Kernels.SelfTest;

namespace Engine.Tests.Backends.Cuda.Sampling.Selection;

/// <summary><c>engine samplers --device check</c>'s probe against the CPU one (<c>--device cpu</c>) on the same request.</summary>
[Collection(CudaKernelCollection.Name)]
public sealed class DeviceSamplingProbeTests(CudaKernelFixture fixture)
{
    [Theory]
    [InlineData("""{"temperature": 0.9, "top_p": 0.8}""")]
    [InlineData("""{"seed": 5, "xtc_probability": 0.5, "xtc_threshold": 0.1}""")]
    [InlineData("""{"typical_p": 0.9, "temperature_last": true, "temperature": 1.5}""")]
    public void MatchesTheCpuProbe(string json)
    {
        float[] logits = [2.0f, 1.0f, 0.5f, 0.0f, -1.0f, 0.25f, 1.5f];
        int[] history = [1, 2, 3];
        using var body = JsonDocument.Parse(json);

        var cpu = SamplingProbe.ProcessedDistribution(logits, body.RootElement, [], history, []);
        var device = DeviceSamplingProbe.ProcessedDistribution(fixture.Context, logits, body.RootElement, [], history, []);

        Expect.Close(cpu, device, 1e-5f, 0f, json);
    }

    [Theory]
    [InlineData("""{"repetition_penalty": 1.2, "presence_penalty": 0.5}""")]
    [InlineData("""{"dry_multiplier": 1.0, "dry_allowed_length": 1, "dry_base": 2.0, "temperature": 0.8}""")]
    [InlineData("""{"no_repeat_ngram_size": 2, "min_tokens": 5, "top_k": 4}""")]
    public void Penalties_MatchTheCpuProbe(string json)
    {
        float[] logits = [2.0f, 1.0f, 0.5f, 0.0f, -1.0f, 0.25f, 1.5f];
        int[] prompt = [6, 1, 2];
        int[] history = [1, 2, 3, 1, 2];
        using var body = JsonDocument.Parse(json);

        var cpu = SamplingProbe.ProcessedDistribution(logits, body.RootElement, prompt, history, [0]);
        var device = DeviceSamplingProbe.ProcessedDistribution(fixture.Context, logits, body.RootElement, prompt, history, [0]);

        Expect.Close(cpu, device, 1e-5f, 0f, json);
    }
}
