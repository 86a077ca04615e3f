using Engine.Lora;
using Engine.Model;
using Engine.Tests.Model;
using Loader.Adapters;
using Tests.Common;

namespace Engine.Tests.Lora;

/// <summary>
/// Runtime merge and unmerge on the real aidreams260K model: <see cref="LlamaModel.MergedLora"/> swaps in the
/// copies <see cref="LoraMergeCache"/> builds, and setting it back to null is the base again.
/// </summary>
public sealed class LoraMergeCacheTests : IDisposable
{
    private static readonly int[] Prompt = [1, 429, 470, 432, 458, 375, 431];

    private readonly TempDirectory _dir = new();
    private readonly ModelCheckpoint _checkpoint = Aidreams260KModel.Open();
    private readonly LoraAdapter _adapterA;
    private readonly LoraAdapter _adapterB;

    public LoraMergeCacheTests()
    {
        var c = _checkpoint.Config;
        RandomLoraAdapter.Write(_dir.File("a"), c, rank: 4, alpha: 8, seed: 31, [.. Enumerable.Range(0, c.NumLayers)], ["q_proj", "v_proj", "o_proj", "down_proj"]);
        RandomLoraAdapter.Write(_dir.File("b"), c, rank: 2, alpha: 4, seed: 32, [1, 2], ["k_proj", "gate_proj", "up_proj"]);
        _adapterA = LoraAdapter.Open(_dir.File("a"));
        _adapterB = LoraAdapter.Open(_dir.File("b"));
    }

    public void Dispose()
    {
        _adapterA.Dispose();
        _adapterB.Dispose();
        _checkpoint.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void MergedWeights_GiveTheLogitsOfAModelBuiltOnTheMergedCheckpoint_BitForBit()
    {
        using var reference = new ModelHarness(_checkpoint.Config, LoraWeights.Merge(_checkpoint.Weights, _adapterA, 2.0));
        var (harness, merges) = Harness();
        using (harness)
        {
            harness.Model.MergedLora = merges.Get(0, 2f);

            Assert.Equal(reference.Step((0, Prompt)), harness.Step((0, Prompt)));
        }
    }

    [Fact]
    public void SettingMergedLoraBackToNull_GivesTheBaseLogits_BitForBit()
    {
        var (harness, merges) = Harness();
        using (harness)
        {
            var baseLogits = harness.Step((0, Prompt));
            harness.Model.MergedLora = merges.Get(0, 4f);
            var adapted = harness.Step((1, Prompt));
            harness.Model.MergedLora = merges.Get(1, 1f);
            _ = harness.Step((2, Prompt));
            harness.Model.MergedLora = null;

            Assert.Equal(baseLogits, harness.Step((3, Prompt)));
            Assert.NotEqual(baseLogits, adapted);
        }
    }

    [Fact]
    public void Get_MergesOncePerPair_WhileThatPairIsHeld()
    {
        var (harness, merges) = Harness();
        using (harness)
        {
            var first = merges.Get(0, 2f);
            Assert.Same(first, merges.Get(0, 2f));
            Assert.Equal(1, merges.NumMerges);

            var other = merges.Get(0, 0.5f);
            Assert.Equal((0, 0.5f), (other.AdapterId, other.Multiplier));
            Assert.Equal(2, merges.NumMerges);
            Assert.NotSame(first, merges.Get(0, 2f));   // only one pair is held
            Assert.Equal(3, merges.NumMerges);
            Assert.Throws<ArgumentOutOfRangeException>(() => merges.Get(2, 1f));
        }
    }

    private (ModelHarness Harness, LoraMergeCache Merges) Harness()
    {
        LoraMergeCache? merges = null;
        var harness = new ModelHarness(_checkpoint.Config, _checkpoint.Weights, adapters: backend =>
        {
            var set = new LoraAdapterSet(_checkpoint.Config, backend, maxRank: 4);
            set.Add(_adapterA);
            set.Add(_adapterB);
            merges = new LoraMergeCache(_checkpoint.Config, _checkpoint.Weights, backend, set);
            return set;
        });
        return (harness, merges!);
    }
}
