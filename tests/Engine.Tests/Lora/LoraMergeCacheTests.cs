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

    private readonly TwoRandomAdapters _adapters = new(seedA: 31, seedB: 32);

    public void Dispose() => _adapters.Dispose();

    [Fact]
    public void MergedWeights_GiveTheLogitsOfAModelBuiltOnTheMergedCheckpoint_BitForBit()
    {
        using var reference = new ModelHarness(_adapters.Checkpoint.Config, LoraWeights.Merge(_adapters.Checkpoint.Weights, _adapters.A, 2.0));
        var (harness, merges) = _adapters.MergeHarness();
        using (harness)
        {
            harness.Model.MergedLora = merges.Get(0, 2f);

            Assert.Equal(reference.Step((0, Prompt)), harness.Step((0, Prompt)));
        }
    }

    [Fact]
    public void SettingMergedLoraBackToNull_GivesTheBaseLogits_BitForBit()
    {
        var (harness, merges) = _adapters.MergeHarness();
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
        var (harness, merges) = _adapters.MergeHarness();
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
}
