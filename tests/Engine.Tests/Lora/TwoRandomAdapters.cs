using Engine.Lora;
using Engine.Model;
using Engine.Tests.Model;
using Loader.Adapters;
using Tests.Common;

namespace Engine.Tests.Lora;

/// <summary>
/// The aidreams260K checkpoint with two random adapters written beside it: A (rank 4, every layer's q, v, o, down)
/// and B (rank 2, layers 1–2's k, gate, up), so they overlap on some projections and not on others.
/// </summary>
internal sealed class TwoRandomAdapters : IDisposable
{
    public TwoRandomAdapters(int seedA, int seedB)
    {
        var c = Checkpoint.Config;
        RandomLoraAdapter.Write(Dir.File("a"), c, rank: 4, alpha: 8, seed: seedA, [.. Enumerable.Range(0, c.NumLayers)], ["q_proj", "v_proj", "o_proj", "down_proj"]);
        RandomLoraAdapter.Write(Dir.File("b"), c, rank: 2, alpha: 4, seed: seedB, [1, 2], ["k_proj", "gate_proj", "up_proj"]);
        A = LoraAdapter.Open(Dir.File("a"));
        B = LoraAdapter.Open(Dir.File("b"));
    }

    public TempDirectory Dir { get; } = new();

    public ModelCheckpoint Checkpoint { get; } = Aidreams260KModel.Open();

    public LoraAdapter A { get; }

    public LoraAdapter B { get; }

    /// <summary>A model on the checkpoint with both adapters registered (ids 0 = A, 1 = B) and its merge cache.</summary>
    public (ModelHarness Harness, LoraMergeCache Merges) MergeHarness()
    {
        LoraMergeCache? merges = null;
        var harness = new ModelHarness(Checkpoint.Config, Checkpoint.Weights, adapters: backend =>
        {
            var set = new LoraAdapterSet(Checkpoint.Config, backend, maxRank: 4);
            set.Add(A);
            set.Add(B);
            merges = new LoraMergeCache(Checkpoint.Config, Checkpoint.Weights, backend, set);
            return set;
        });
        return (harness, merges!);
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
        Checkpoint.Dispose();
        Dir.Dispose();
    }
}
