using Engine.Model;

namespace Engine.Tests.Model;

/// <summary>Small random-weight configurations covering each architecture switch the forward pass has.</summary>
internal static class ModelShapes
{
    private static readonly ModelConfig Base = new()
    {
        Name = "test-llama",
        Dim = 48,
        HiddenDim = 100,       // not a multiple of 8: exercises the scalar tails of every matmul
        NumLayers = 2,
        NumHeads = 4,
        NumKvHeads = 4,
        HeadDim = 12,
        VocabSize = 67,
        MaxContext = 64,
        NormEps = 1e-5f,
        TieWordEmbeddings = true,
    };

    public static ModelConfig Get(string name) => name switch
    {
        "llama-tied" => Base,
        "gqa-untied" => Base with { Name = name, NumKvHeads = 2, TieWordEmbeddings = false },
        "mqa" => Base with { Name = name, NumKvHeads = 1 },
        "qwen2-bias" => Base with { Name = name, Architecture = "qwen2", QkvBias = true, NumKvHeads = 2, RopeTheta = 1e6 },
        "qwen3-qknorm" => Base with { Name = name, Architecture = "qwen3", QkNorm = true, HeadDim = 16, NumKvHeads = 2, TieWordEmbeddings = false },
        "llama3-rope" => Base with
        {
            Name = name,
            HeadDim = 16,
            Dim = 64,
            RopeTheta = 500000,
            RopeScaling = new RopeScaling { Type = "llama3", Factor = 8, LowFreqFactor = 1, HighFreqFactor = 4, OriginalMaxPositionEmbeddings = 16 },
        },
        "linear-rope" => Base with { Name = name, RopeScaling = new RopeScaling { Type = "linear", Factor = 4 } },
        // the CPU backend's register-resident attention kernels (AttentionHead<HeadDim64/128>)
        "gqa-head64" => Base with { Name = name, NumHeads = 2, NumKvHeads = 1, HeadDim = 64, Dim = 64 },
        "gqa-head128" => Base with { Name = name, NumHeads = 2, NumKvHeads = 1, HeadDim = 128, Dim = 96, TieWordEmbeddings = false },
        _ => throw new ArgumentException(name),
    };

    public static TheoryData<string> Names => ["llama-tied", "gqa-untied", "mqa", "qwen2-bias", "qwen3-qknorm", "llama3-rope", "linear-rope", "gqa-head64", "gqa-head128"];
}
