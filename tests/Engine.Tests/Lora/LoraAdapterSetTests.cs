using Engine.Backends.Cpu;
using Engine.Lora;
using Engine.Model;
using Loader.Adapters;

namespace Engine.Tests.Lora;

/// <summary>Shape checks of <see cref="LoraAdapterSet.Add"/> against the model config.</summary>
public sealed class LoraAdapterSetTests : IDisposable
{
    private static readonly ModelConfig Config = new()
    {
        Dim = 16, HiddenDim = 40, NumLayers = 2, NumHeads = 4, NumKvHeads = 2, HeadDim = 4, VocabSize = 32, MaxContext = 16,
    };

    private readonly string _root = Path.Combine(Path.GetTempPath(), "engine-lora-set-" + Guid.NewGuid().ToString("N"));
    private readonly CpuBackend _backend = new(threads: 1);

    public void Dispose()
    {
        _backend.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Add_ReturnsConsecutiveIds_ForAdaptersThatFit()
    {
        var set = new LoraAdapterSet(Config, _backend, maxRank: 8);
        using var a = Open("a", Config, rank: 4, ["q_proj", "k_proj", "v_proj", "o_proj"]);
        using var b = Open("b", Config, rank: 8, ["gate_proj", "up_proj", "down_proj"]);

        Assert.Equal(0, set.Add(a));
        Assert.Equal(1, set.Add(b));
        Assert.Equal(2, set.Count);
    }

    [Fact]
    public void Throws_NamingTheTensor_WhenTheAdapterWasMadeForAnotherModel()
    {
        var set = new LoraAdapterSet(Config, _backend, maxRank: 8);
        using var wrong = Open("wrong", Config with { NumKvHeads = 4 }, rank: 4, ["k_proj"]); // k_proj out 16, model has 8

        var e = Assert.Throws<LoraFormatException>(() => set.Add(wrong));

        Assert.Contains("base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight", e.Message);
        Assert.Equal(0, set.Count);
    }

    [Fact]
    public void Throws_NamingTheModule_WhenTheLayerIsBeyondTheModel()
    {
        var set = new LoraAdapterSet(Config, _backend, maxRank: 8);
        using var deep = Open("deep", Config with { NumLayers = 3 }, rank: 4, ["q_proj"], layers: [2]);

        var e = Assert.Throws<LoraFormatException>(() => set.Add(deep));

        Assert.Contains("layers.2.self_attn.q_proj", e.Message);
    }

    [Fact]
    public void Throws_WhenTheRankExceedsTheMaximum()
    {
        var set = new LoraAdapterSet(Config, _backend, maxRank: 4);
        using var big = Open("big", Config, rank: 8, ["v_proj"]);

        var e = Assert.Throws<LoraFormatException>(() => set.Add(big));

        Assert.Contains("lora_A.weight", e.Message);
        Assert.Contains("rank 8", e.Message);
    }

    private LoraAdapter Open(string name, ModelConfig shapes, int rank, string[] targets, int[]? layers = null)
    {
        var dir = Path.Combine(_root, name);
        RandomLoraAdapter.Write(dir, shapes, rank, alpha: rank, seed: 3, layers ?? [0, 1], targets);
        return LoraAdapter.Open(dir);
    }
}
