using System.Runtime.InteropServices;
using Loader.Adapters;
using Loader.Safetensors;

namespace Loader.Tests.Adapters;

public sealed class LoraMergeTests
{
    private const string Q = "model.layers.0.self_attn.q_proj";

    [Fact]
    public void AddsScaledProductOfBAndA_HandComputed()
    {
        // r = 1, alpha = 2 → scale 2; multiplier 0.5 → coefficient 1.
        // B·A = [[1],[2]]·[[1, 2, 3]] = [[1, 2, 3], [2, 4, 6]].
        using var dir = new TempDirectory();
        using var adapter = WriteAdapter(dir, r: 1, alpha: 2, a: [1, 2, 3], b: [1, 2], outFeatures: 2, inFeatures: 3);
        float[] w = [10, 20, 30, 40, 50, 60];

        var merged = MergeF32(w, adapter.Modules[0], multiplier: 0.5);

        Assert.Equal([11f, 22, 33, 42, 54, 66], merged);
    }

    [Fact]
    public void MultiplierScalesTheDelta_Linearly()
    {
        using var dir = new TempDirectory();
        using var adapter = WriteAdapter(dir, r: 1, alpha: 2, a: [1, 2, 3], b: [1, 2], outFeatures: 2, inFeatures: 3);
        float[] w = [0, 0, 0, 0, 0, 0];

        Assert.Equal([8f, 16, 24, 16, 32, 48], MergeF32(w, adapter.Modules[0], multiplier: 4)); // 2 · 4 · B·A
    }

    [Theory]
    [InlineData(SafetensorsDtype.F32)]
    [InlineData(SafetensorsDtype.F16)]
    [InlineData(SafetensorsDtype.BF16)]
    public void MultiplierZero_ReturnsBaseBytesExactly(SafetensorsDtype dtype)
    {
        using var dir = new TempDirectory();
        using var adapter = WriteAdapter(dir, r: 2, alpha: 16, a: [.. Enumerable.Range(0, 8).Select(i => i * 0.37f)],
            b: [.. Enumerable.Range(0, 6).Select(i => 1.5f - i)], outFeatures: 3, inFeatures: 4);
        var random = new Random(7);
        var baseFloats = Enumerable.Range(0, 12).Select(_ => (float)random.NextDouble()).ToArray();
        var baseBytes = new byte[12 * SafetensorsDtypes.SizeOf(dtype)];
        DtypeConversion.FromFloat32(baseFloats, dtype, baseBytes);
        var merged = new byte[baseBytes.Length];

        LoraMerge.Merge(baseBytes, dtype, adapter.Modules[0], 0, merged, Q + ".weight");

        Assert.Equal(baseBytes, merged);
    }

    [Fact]
    public void Bf16Merge_RoundsOnceFromFloat32()
    {
        // W = 1; delta = 2^-8 + 2^-16 (exact in float32). bf16 has 7 fraction bits, so near 1 its ulp is 2^-7 and
        // the halfway point is 1 + 2^-8. One rounding of 1 + 2^-8 + 2^-16 (above halfway) gives 1 + 2^-7.
        // Rounding the delta to bf16 first would give exactly 2^-8, then 1 + 2^-8 is a tie that goes to even: 1.
        using var dir = new TempDirectory();
        using var adapter = WriteAdapter(dir, r: 1, alpha: 1, a: [1f / 256 + 1f / 65536], b: [1], outFeatures: 1, inFeatures: 1);
        var baseBytes = new byte[2];
        DtypeConversion.FromFloat32([1f], SafetensorsDtype.BF16, baseBytes);
        var merged = new byte[2];

        LoraMerge.Merge(baseBytes, SafetensorsDtype.BF16, adapter.Modules[0], 1, merged, Q + ".weight");

        var result = new float[1];
        DtypeConversion.ToFloat32(SafetensorsDtype.BF16, merged, result);
        Assert.Equal(1f + 1f / 128, result[0]);
    }

    [Fact]
    public void F32Merge_MatchesDoublePrecisionReference()
    {
        var random = new Random(11);
        int r = 3, inF = 5, outF = 4;
        var a = Enumerable.Range(0, r * inF).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var b = Enumerable.Range(0, outF * r).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var w = Enumerable.Range(0, outF * inF).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        using var dir = new TempDirectory();
        using var adapter = WriteAdapter(dir, r, alpha: 6, a, b, outF, inF);

        var merged = MergeF32(w, adapter.Modules[0], multiplier: 2);

        for (var o = 0; o < outF; o++)
        {
            for (var i = 0; i < inF; i++)
            {
                double delta = 0;
                for (var k = 0; k < r; k++)
                {
                    delta += (double)b[o * r + k] * a[k * inF + i];
                }
                // float32 accumulation of three products: error well under 1e-6 for values of this size.
                Assert.Equal(w[o * inF + i] + (6.0 / 3) * 2 * delta, merged[o * inF + i], 1e-6);
            }
        }
    }

    [Fact]
    public void Throws_WhenAdapterShapeDoesNotFitBaseWeight()
    {
        using var dir = new TempDirectory();
        using var adapter = WriteAdapter(dir, r: 1, alpha: 1, a: [1, 2, 3], b: [1, 2], outFeatures: 2, inFeatures: 3);

        var e = Assert.Throws<LoraFormatException>(() =>
            LoraMerge.Merge(new byte[4 * 5], SafetensorsDtype.F32, adapter.Modules[0], 1, new byte[4 * 5], Q + ".weight"));

        Assert.Contains(Q + ".weight", e.Message);
    }

    private static float[] MergeF32(float[] w, LoraModule module, double multiplier)
    {
        var merged = new byte[w.Length * 4];
        LoraMerge.Merge(MemoryMarshal.AsBytes(w.AsSpan()), SafetensorsDtype.F32, module, multiplier, merged, Q + ".weight");
        return MemoryMarshal.Cast<byte, float>(merged.AsSpan()).ToArray();
    }

    private static LoraAdapter WriteAdapter(TempDirectory dir, int r, double alpha, float[] a, float[] b, int outFeatures, int inFeatures)
    {
        File.WriteAllText(Path.Combine(dir.Path, "adapter_config.json"), LoraAdapterFiles.ConfigJson(r, alpha, """["q_proj"]"""));
        SafetensorsWriter.WriteFile(Path.Combine(dir.Path, "adapter_model.safetensors"),
        [
            (new SafetensorsTensorInfo($"base_model.model.{Q}.lora_A.weight", SafetensorsDtype.F32, [r, inFeatures]), MemoryMarshal.AsBytes(a.AsSpan()).ToArray()),
            (new SafetensorsTensorInfo($"base_model.model.{Q}.lora_B.weight", SafetensorsDtype.F32, [outFeatures, r]), MemoryMarshal.AsBytes(b.AsSpan()).ToArray()),
        ]);
        return LoraAdapter.Open(dir.Path);
    }
}
