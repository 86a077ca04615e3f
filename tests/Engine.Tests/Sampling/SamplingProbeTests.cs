using System.Runtime.InteropServices;
using System.Text.Json;
using Engine.Sampling;
using Loader.Safetensors;

namespace Engine.Tests.Sampling;

/// <summary>The logic behind <c>engine samplers</c>.</summary>
public sealed class SamplingProbeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("samplers-probe").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static JsonElement Body(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void JsonLogits_TopP_GivesSpecDistribution()
    {
        var path = Path.Combine(_dir, "b.json");
        File.WriteAllText(path, "[2.0, 1.0, 0.5, 0.0, -1.0]");
        var probs = SamplingProbe.ProcessedDistribution(SamplingProbe.ReadLogits(path), Body("""{"top_p": 0.8}"""), [], [], []);
        SamplerHarness.AssertProbs([0.6285f, 0.2312f, 0.1402f, 0, 0], probs);
    }

    [Fact]
    public void SafetensorsLogits_WithPromptAndHistory_GivesSpecPenaltyExample()
    {
        var path = Path.Combine(_dir, "b.safetensors");
        float[] b = [2.0f, 1.0f, 0.5f, 0.0f, -1.0f];
        SafetensorsWriter.WriteFile(path, [(new SafetensorsTensorInfo("logits", SafetensorsDtype.F32, [5]), MemoryMarshal.AsBytes(b.AsSpan()).ToArray())]);
        var probs = SamplingProbe.ProcessedDistribution(SamplingProbe.ReadLogits(path),
            Body("""{"repetition_penalty": 1.5, "frequency_penalty": 0.25, "presence_penalty": 0.5}"""),
            SamplingProbe.ParseIds("0,4", "--prompt"), SamplingProbe.ParseIds("1, 1, 2", "--history"), []);
        SamplerHarness.AssertProbs([0.5934f, 0.1121f, 0.1031f, 0.1564f, 0.0349f], probs);
    }

    [Fact]
    public void EosIds_AreBannedUntilMinTokens()
    {
        var probs = SamplingProbe.ProcessedDistribution(SamplerHarness.B, Body("""{"min_tokens": 3, "stop_token_ids": [3]}"""), [], [0], [4]);
        SamplerHarness.AssertProbs([0.6285f, 0.2312f, 0.1402f, 0, 0], probs);
    }

    [Fact]
    public void Params_GoThroughRequestValidation_IncludingVocabRange()
    {
        var ex = Assert.Throws<SamplingParamsException>(() =>
            SamplingProbe.ProcessedDistribution(SamplerHarness.B, Body("""{"custom_token_bans": [5]}"""), [], [], []));
        Assert.Equal("custom_token_bans", ex.Field);
    }

    [Fact]
    public void Throws_WhenJsonHoldsANonNumber()
    {
        var path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, """[1.0, "x"]""");
        var ex = Assert.Throws<FormatException>(() => SamplingProbe.ReadLogits(path));
        Assert.Contains("element 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenSafetensorsTensorIsNotF32Vector()
    {
        var path = Path.Combine(_dir, "m.safetensors");
        SafetensorsWriter.WriteFile(path, [(new SafetensorsTensorInfo("logits", SafetensorsDtype.F32, [2, 2]), new byte[16])]);
        var ex = Assert.Throws<FormatException>(() => SamplingProbe.ReadLogits(path));
        Assert.Contains("shape [V]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenAnIdIsNotAnInteger() =>
        Assert.Contains("--history", Assert.Throws<FormatException>(() => SamplingProbe.ParseIds("1,x", "--history")).Message, StringComparison.Ordinal);

    [Fact]
    public void ToJson_PrintsFullVocabulary_RoundTrip()
    {
        var json = SamplingProbe.ToJson([0.25f, 0f, 0.75f]);
        Assert.Equal("""{"probs": [0.25, 0, 0.75]}""", json);
    }
}
