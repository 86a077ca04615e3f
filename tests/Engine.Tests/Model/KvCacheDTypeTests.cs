using Engine.Backends.Cpu;
using Engine.Model;
using Kernels.Language;

namespace Engine.Tests.Model;

/// <summary>The CPU backend's bf16 and f16 KV caches (<c>--kv-cache-dtype</c>): what is stored, and what attention computes from it.</summary>
public sealed class KvCacheDTypeTests
{
    // as in LlamaModelTests: float32 kernels against a double reference over the same (rounded) cached values
    private const double Tolerance = 1e-3;

    // block size 16 is the engine's default (full blocks of 16 keys); 4 makes every sequence span many blocks
    public static TheoryData<string, DType, int> ShapesAndDTypes()
    {
        var data = new TheoryData<string, DType, int>();
        foreach (var shape in (string[])["llama-tied", "gqa-untied", "qwen3-qknorm", "gqa-head64", "gqa-head128"])
        {
            data.Add(shape, DType.BF16, 4);
            data.Add(shape, DType.F16, 4);
            data.Add(shape, DType.BF16, 16);
            data.Add(shape, DType.F32, 16);
        }
        return data;
    }

    // the element rounding of each cache dtype, by .NET's Half and the kernel layer's BFloat16 (not the loader's
    // converter the cache itself uses)
    private static double Rounded(double x, DType dtype) =>
        dtype == DType.BF16 ? (float)(BFloat16)(float)x : (float)(Half)(float)x;

    [Theory]
    [MemberData(nameof(ShapesAndDTypes))]
    public void Cache_MatchesTheReferenceAttendingOverKeysAndValuesRoundedToItsDType(string shape, DType dtype, int blockSize)
    {
        var config = ModelShapes.Get(shape);
        var weights = RandomWeights.Create(config, seed: 11);
        var tokens = LlamaModelTests.RandomTokens(config, 30, seed: 3);
        var rounded = new ReferenceLlama(config, weights, dtype == DType.F32 ? null : x => Rounded(x, dtype));
        var exact = new ReferenceLlama(config, weights);
        var expected = tokens.Select(rounded.Step).ToArray();
        var unrounded = tokens.Select(exact.Step).ToArray();

        using var harness = new ModelHarness(config, weights, blockSize, kvCacheDType: dtype);
        var actual = new List<float[]> { harness.Step((0, tokens[..13]))[0] };
        for (var i = 13; i < tokens.Length; i++)
        {
            actual.Add(harness.Step((0, [tokens[i]]))[0]);
        }

        var errors = actual.Select((a, j) => MaxDifference(expected[12 + j], a)).ToArray();
        Assert.True(errors.Max() < Tolerance, $"{shape} {dtype}: max |logit − rounded reference| = {errors.Max():G3}");
        if (dtype == DType.F32)
        {
            return;
        }
        // the rounding is real: the exact reference is further away than the kernels' own error
        var fromExact = actual.Select((a, j) => MaxDifference(unrounded[12 + j], a)).Max();
        Assert.True(fromExact > errors.Max(), $"{shape} {dtype}: {fromExact:G3} from the exact reference, {errors.Max():G3} from the rounded one");
    }

    private static double MaxDifference(double[] expected, float[] actual) =>
        expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();

    [Theory]
    [InlineData(1.00390625f, (ushort)0x3F80)]   // halfway between 1 and 1 + 2^-7: ties to the even 1.0
    [InlineData(1.01171875f, (ushort)0x3F82)]   // halfway between 1 + 2^-7 and 1 + 2^-6: ties to the even upper one
    [InlineData(-2.5f, (ushort)0xC020)]          // exact in bf16
    [InlineData(1.0078125f + 1e-6f, (ushort)0x3F81)]
    public void Bf16Cache_StoresEachElementRoundedToNearestEven(float value, ushort bits)
    {
        var cache = new CpuKvCache(numLayers: 1, numBlocks: 2, blockSize: 4, numKvHeads: 2, headDim: 16, DType.BF16);
        var key = Enumerable.Repeat(value, 32).ToArray();
        var valueRow = Enumerable.Repeat(-value, 32).ToArray();

        cache.WriteSlot(0, 5, key, valueRow);

        // slot 5 = block 1, slot 1 of the block; head 1's pool starts after head 0's 2 blocks of 4 · 16 elements
        var at = ((2 * 4 * 16) + (1 * 4 * 16) + 16) * 2;
        Assert.Equal(bits, BitConverter.ToUInt16(cache.Keys[0], at));
        Assert.Equal((ushort)(bits ^ 0x8000), BitConverter.ToUInt16(cache.Values[0], at));
        Assert.Equal(2, cache.ElementSize);
    }

    [Fact]
    public void CopyBlock_CopiesEveryByteOfAHalfPrecisionBlock()
    {
        var cache = new CpuKvCache(numLayers: 2, numBlocks: 3, blockSize: 4, numKvHeads: 2, headDim: 16, DType.F16);
        var random = new Random(3);
        for (var slot = 0; slot < 4; slot++)
        {
            for (var layer = 0; layer < 2; layer++)
            {
                cache.WriteSlot(layer, slot, [.. Enumerable.Range(0, 32).Select(_ => (float)random.NextDouble())], [.. Enumerable.Range(0, 32).Select(_ => (float)random.NextDouble())]);
            }
        }

        cache.CopyBlock(0, 2);

        // each head's pool holds 3 blocks of 4 slots × 16 f16 elements (128 bytes a block)
        const int block = 4 * 16 * 2, pool = 3 * block;
        for (var layer = 0; layer < 2; layer++)
        {
            for (var head = 0; head < 2; head++)
            {
                Assert.Equal(cache.Keys[layer].AsSpan(head * pool, block).ToArray(), cache.Keys[layer].AsSpan((head * pool) + (2 * block), block).ToArray());
                Assert.Equal(cache.Values[layer].AsSpan(head * pool, block).ToArray(), cache.Values[layer].AsSpan((head * pool) + (2 * block), block).ToArray());
            }
            Assert.NotEqual(cache.Keys[layer].AsSpan(0, block).ToArray(), cache.Keys[layer].AsSpan(block, block).ToArray());
        }
    }

    [Theory]
    [InlineData(null, DType.F32)]        // auto on the CPU is f32 even for a bf16 checkpoint (the GPU's auto would be bf16)
    [InlineData(DType.BF16, DType.BF16)]
    [InlineData(DType.F16, DType.F16)]
    public void CpuDevice_KeepsTheKvCacheInTheAskedDType(DType? asked, DType expected)
    {
        var weights = RandomWeights.Create(ModelShapes.Get("mqa"), seed: 1, DType.BF16);
        var options = new Engine.Generation.EngineOptions { Device = Engine.Generation.EngineDevice.Cpu, Threads = 1, KvCacheDType = asked };

        using var backend = Assert.IsType<CpuBackend>(Engine.Generation.LlmEngine.CreateBackend(options, weights));
        var cache = Assert.IsType<CpuKvCache>(backend.AllocateKvCache(1, 2, 4, 1, 16));

        Assert.Equal(expected, backend.KvCacheDType);
        Assert.Equal(expected, cache.DType);
    }

    [Fact]
    public void CpuKvCache_RefusesADTypeItCannotHold() =>
        Assert.Throws<NotSupportedException>(() => new CpuKvCache(1, 1, 4, 1, 16, (DType)99));
}
