using Engine.Model;

namespace Engine.Tests.Model;

/// <summary>
/// Expected values come from a plain-Python transcription of HF's <c>_compute_yarn_parameters</c> and vLLM's
/// DynamicNTKScalingRotaryEmbedding (math module only), run once and pasted here.
/// </summary>
public sealed class RopeFrequenciesTests
{
    private static readonly ModelConfig Small = new()
    {
        Dim = 64, HiddenDim = 64, NumLayers = 1, NumHeads = 4, NumKvHeads = 4, HeadDim = 16, VocabSize = 8, MaxContext = 64,
    };

    [Fact]
    public void Default_IsBaseToTheMinusTwoIOverD()
    {
        var (inv, scale) = RopeFrequencies.Compute(Small);
        Assert.Equal(1.0, scale);
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(Math.Pow(10000, -2.0 * i / 16), inv[i], 12);
        }
    }

    [Fact]
    public void Yarn_BlendsInterpolationAndExtrapolation_AndScalesAttention()
    {
        var config = Small with { RopeScaling = new RopeScaling { Type = "yarn", Factor = 4, OriginalMaxPositionEmbeddings = 32 } };
        var (inv, scale) = RopeFrequencies.Compute(config);
        double[] expected = [1.0, 0.19764235376052372, 0.025, 0.007905694150420948, 0.0025, 0.0007905694150420947, 0.00025, 7.905694150420948e-05];
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(expected[i], inv[i], 12);
        }
        Assert.Equal(1.138629436111989, scale, 12);
    }

    [Fact]
    public void Dynamic_StretchesTheBase_ForMaxContextTimesFactor()
    {
        var config = Small with { RopeScaling = new RopeScaling { Type = "dynamic", Factor = 2 } };
        var (inv, _) = RopeFrequencies.Compute(config);
        double[] expected = [1.0, 0.27029612569240363, 0.07305999556432365, 0.019747833744140873, 0.005337762951858991, 0.001442776645751933, 0.000389976937586229, 0.00010540925533894597];
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(expected[i], inv[i], 12);
        }
    }

    [Fact]
    public void Throws_WhenRopeScalingTypeIsUnknown()
    {
        var config = Small with { RopeScaling = new RopeScaling { Type = "longrope" } };
        var error = Assert.Throws<NotSupportedException>(() => RopeFrequencies.Compute(config));
        Assert.Contains("longrope", error.Message, StringComparison.Ordinal);
    }
}
