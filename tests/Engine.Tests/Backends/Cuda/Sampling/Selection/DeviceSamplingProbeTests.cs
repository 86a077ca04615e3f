using System.Text.Json;
using Engine.Backends.Cuda.Sampling.Selection;
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
        var device = DeviceSamplingProbe.ProcessedDistribution(fixture.Context, logits, body.RootElement, history);

        Expect.Close(cpu, device, 1e-5f, 0f, json);
    }

    [Fact]
    public void RefusesPenalties_NamingWhatIsMissing()
    {
        using var body = JsonDocument.Parse("""{"repetition_penalty": 1.2}""");

        var e = Assert.Throws<NotSupportedException>(() => DeviceSamplingProbe.ProcessedDistribution(fixture.Context, [1f, 2f, 3f], body.RootElement, [0]));

        Assert.Contains("penalt", e.Message, StringComparison.Ordinal);
    }
}
