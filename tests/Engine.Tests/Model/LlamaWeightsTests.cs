using Engine.Model;
using Loader.Safetensors;

namespace Engine.Tests.Model;

public sealed class LlamaWeightsTests
{
    private static readonly ModelConfig Config = ModelShapes.Get("gqa-untied");

    [Fact]
    public void Bind_Throws_NamingTheMissingTensor()
    {
        var all = RandomWeights.Create(Config, 1);
        var without = new Weights(all.Names.Where(n => n != "model.layers.1.mlp.up_proj.weight").Select(n => { all.TryGet(n, out var t); return t; }));
        var error = Assert.Throws<InvalidDataException>(() => LlamaWeights.Bind(Config, without));
        Assert.Contains("model.layers.1.mlp.up_proj.weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_Throws_NamingTheMisShapedTensor()
    {
        var all = RandomWeights.Create(Config, 1);
        var tensors = all.Names.Select(n => { all.TryGet(n, out var t); return t; })
            .Select(t => t.Name == "model.layers.0.self_attn.k_proj.weight" ? WeightTensor.FromFloats(t.Name, new float[Config.QDim * Config.Dim], [Config.QDim, Config.Dim]) : t);
        var error = Assert.Throws<InvalidDataException>(() => LlamaWeights.Bind(Config, new Weights(tensors)));
        Assert.Contains("model.layers.0.self_attn.k_proj.weight", error.Message, StringComparison.Ordinal);
        Assert.Contains($"[{Config.KvDim}, {Config.Dim}]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_UsesTheEmbeddingAsClassifier_WhenTied()
    {
        var config = ModelShapes.Get("llama-tied");
        var bound = LlamaWeights.Bind(config, RandomWeights.Create(config, 1));
        Assert.Same(bound.TokenEmbedding, bound.Classifier);
    }

    [Fact]
    public void WeightTensor_Throws_WhenBytesDoNotMatchShape()
    {
        var error = Assert.Throws<InvalidDataException>(() => new WeightTensor("w", DType.BF16, [3, 4], new byte[20]));
        Assert.Contains("'w'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.0f, (ushort)0x3F80)]
    [InlineData(-2.5f, (ushort)0xC020)]
    [InlineData(1.00390625f, (ushort)0x3F80)]   // halfway between 0x3F80 and 0x3F81: ties to even
    [InlineData(1.01171875f, (ushort)0x3F82)]   // halfway between 0x3F81 and 0x3F82: ties to even (up)
    public void BFloat16_RoundsToNearestEven(float value, ushort bits) => Assert.Equal(bits, DtypeConversion.RoundToBf16(BitConverter.SingleToUInt32Bits(value)));
}
