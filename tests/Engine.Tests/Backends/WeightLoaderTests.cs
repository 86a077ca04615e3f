using Engine.Backends.Cpu;

namespace Engine.Tests.Backends;

public sealed unsafe class WeightLoaderTests
{
    // Every one of the 65536 half bit patterns (normals, subnormals, ±0, ±inf, NaNs) widened 16 at a time must
    // equal .NET's scalar Half → float conversion, bit for bit (NaNs: both NaN).
    [Fact]
    public void F16Load16_MatchesScalarConversion_ForEveryBitPattern()
    {
        var all = new ushort[65536];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = (ushort)i;
        }
        fixed (ushort* p = all)
        {
            for (var i = 0; i < all.Length; i += 16)
            {
                var v = F16Loader.Load16((byte*)p, i);
                for (var j = 0; j < 16; j++)
                {
                    var expected = (float)BitConverter.UInt16BitsToHalf(all[i + j]);
                    if (float.IsNaN(expected))
                    {
                        Assert.True(float.IsNaN(v[j]), $"bits 0x{i + j:X4}");
                    }
                    else
                    {
                        Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(v[j]), $"bits 0x{i + j:X4}: {v[j]} != {expected}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Bf16Load16_IsTheUpperHalfOfFloat32()
    {
        ushort[] bits = [0x3F80, 0xC020, 0x0001, 0x8000, 0x7F80, 0xFF80, 0x7FC0, 0x4049, 0x0000, 0x0080, 0x807F, 0x3F81, 0xBF80, 0x7F7F, 0xFF7F, 0x4000];
        fixed (ushort* p = bits)
        {
            var v = Bf16Loader.Load16((byte*)p, 0);
            for (var j = 0; j < 16; j++)
            {
                Assert.Equal(bits[j] << 16, BitConverter.SingleToInt32Bits(v[j]));
            }
        }
    }
}
