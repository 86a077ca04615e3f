using Engine.Model;

namespace Engine.Tests.Model;

/// <summary>
/// The two fills of <see cref="RandomWeights"/>: CreateParallel (the benches' 8B checkpoints) must give Create's
/// layout (names, shapes, dtypes, ranges) and the same bits on every call, however the chunks are scheduled.
/// </summary>
public sealed class RandomWeightsTests
{
    [Theory]
    [InlineData("gqa-untied")]
    [InlineData("qwen2-bias")]
    [InlineData("qwen3-qknorm")]
    public void CreateParallel_HasCreatesLayout_AndRanges(string shape)
    {
        var config = ModelShapes.Get(shape);
        var sequential = RandomWeights.Create(config, seed: 4, DType.BF16);
        var parallel = RandomWeights.CreateParallel(config, seed: 4, DType.BF16);

        Assert.Equal(sequential.Names, parallel.Names);
        foreach (var name in sequential.Names)
        {
            var s = Get(sequential, name);
            var p = Get(parallel, name);
            Assert.Equal(s.Shape, p.Shape);
            Assert.Equal(s.DType, p.DType);
            // the documented ranges: matrices ±1/sqrt(fan_in), norms 1 ± 0.1, biases ±0.1, the embedding ±1 (bf16-rounded)
            var (center, spread) = name switch
            {
                "model.embed_tokens.weight" => (0.0, 1.0),
                _ when name.EndsWith("norm.weight", StringComparison.Ordinal) => (1.0, 0.1),
                _ when name.EndsWith(".bias", StringComparison.Ordinal) => (0.0, 0.1),
                _ => (0.0, 1 / Math.Sqrt(p.Shape[1])),
            };
            var values = p.ToFloats();
            // bf16 rounding moves a value by at most 2^-8 of itself
            var slack = (Math.Abs(center) + spread) / 256;
            Assert.All(values, v => Assert.InRange(Math.Abs(v - center), 0, spread + slack));
            Assert.True(values.Distinct().Count() > Math.Min(values.Length / 4, 8), $"{name}: values must vary");
        }
    }

    [Fact]
    public void CreateParallel_GivesTheSameBits_OnEveryCall_AndOtherBitsForAnotherSeed()
    {
        // a hidden size over one 2^20 chunk, so a matrix spans several parallel chunks
        var config = ModelShapes.Get("gqa-untied") with { HiddenDim = 1 << 15, NumLayers = 1 };
        var first = RandomWeights.CreateParallel(config, seed: 9);
        var second = RandomWeights.CreateParallel(config, seed: 9);
        var other = RandomWeights.CreateParallel(config, seed: 10);
        const string name = "model.layers.0.mlp.gate_proj.weight";
        var a = Get(first, name);
        Assert.Equal(3 << 19, a.Shape[0] * a.Shape[1]); // 1.5 chunks of 2^20 elements
        Assert.True(a.Bytes.Span.SequenceEqual(Get(second, name).Bytes.Span));
        Assert.False(a.Bytes.Span.SequenceEqual(Get(other, name).Bytes.Span));
    }

    private static WeightTensor Get(Weights weights, string name) =>
        weights.TryGet(name, out var tensor) ? tensor : throw new KeyNotFoundException(name);
}
