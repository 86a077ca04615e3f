using Engine.Sampling;
using FsCheck;
using FsCheck.Fluent;

namespace Engine.Tests.Sampling;

/// <summary>The radix sort must give exactly the order of a plain 64-bit comparison sort of the same keys.</summary>
public sealed class KeyRadixSortTests
{
    // Values drawn from a small set (many ties, so the id order matters), from raw bit patterns (every sign,
    // exponent and subnormal), and the specials a logit row can hold.
    private static readonly float[] Specials = [0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, 1f, 0.5f];

    private static Arbitrary<float[]> Rows() =>
        Gen.Choose(0, 5000).SelectMany(n => Gen.ArrayOf(
            Gen.OneOf(
                Gen.Choose(-3, 3).Select(x => x / 2f),
                Gen.Choose(int.MinValue, int.MaxValue).Select(BitConverter.Int32BitsToSingle).Where(f => !float.IsNaN(f)),
                Gen.Elements(Specials)),
            n)).ToArbitrary();

    [Fact]
    public void DescendingKeys_SortLikeAComparisonSort()
    {
        Prop.ForAll(Rows(), values =>
        {
            var keys = values.Select((v, i) => DescendingOrder.Key(v, i)).ToArray();
            var expected = keys.Order().ToArray();

            KeyRadixSort.Sort(keys, new ulong[keys.Length]);

            return expected.SequenceEqual(keys);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void AscendingKeys_SortLikeAComparisonSort()
    {
        Prop.ForAll(Rows(), values =>
        {
            var keys = values.Select((v, i) => DescendingOrder.AscendingKey(Math.Abs(v), i)).ToArray();
            var expected = keys.Order().ToArray();

            KeyRadixSort.Sort(keys, new ulong[keys.Length]);

            return expected.SequenceEqual(keys);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void SortsASubrange_LeavingTheRestOfTheBufferAlone()
    {
        var values = Enumerable.Range(0, 1000).Select(i => (float)((i * 7919) % 613)).ToArray();
        var keys = values.Select((v, i) => DescendingOrder.Key(v, i)).ToArray();
        var head = keys[..300];
        var expected = keys[300..900].Order().ToArray();

        KeyRadixSort.Sort(keys.AsSpan(300, 600), new ulong[1000]);

        Assert.Equal(head, keys[..300]);
        Assert.Equal(expected, keys[300..900]);
        Assert.Equal(values.Skip(900).Select((v, i) => DescendingOrder.Key(v, 900 + i)), keys[900..]);
    }
}
