using ILGPU;

namespace Kernels.Language;

/// <summary>
/// The CPU meaning of mma.m16n8k16 with f32 accumulation: lane (g, t) needs A rows g and g+8 (held by lanes
/// 4g..4g+3) and B columns 2t and 2t+1 (held by lanes 8t..8t+3 and 8t+4..8t+7), gathered with shuffles; the
/// products of 16-bit floats are exact in f32 and are summed in k order onto C.
/// </summary>
internal static class MmaOnCpu
{
    public static Float4 Multiply(UInt4 a, UInt2 b, Float4 c, bool bf16)
    {
        var lane = Warp.LaneIdx;
        var g = lane >> 2;
        var t = lane & 3;
        var d0 = c.X;
        var d1 = c.Y;
        var d2 = c.Z;
        var d3 = c.W;
        // k runs over 4 source lanes (t' = 0..3) × {low half of k: .X/.Y of A at cols 2t'..2t'+1, high half: +8}.
        for (var half = 0; half < 2; half++)
        {
            for (var source = 0; source < 4; source++)
            {
                var rowLane = (4 * g) + source;
                var top = Warp.Shuffle(half == 0 ? a.X : a.Z, rowLane);
                var bottom = Warp.Shuffle(half == 0 ? a.Y : a.W, rowLane);
                var col0 = Warp.Shuffle(half == 0 ? b.X : b.Y, (4 * (2 * t)) + source);
                var col1 = Warp.Shuffle(half == 0 ? b.X : b.Y, (4 * ((2 * t) + 1)) + source);
                for (var k = 0; k < 2; k++)
                {
                    var shift = 16 * k;
                    var aTop = Widen(top >> shift, bf16);
                    var aBottom = Widen(bottom >> shift, bf16);
                    var b0 = Widen(col0 >> shift, bf16);
                    var b1 = Widen(col1 >> shift, bf16);
                    d0 += aTop * b0;
                    d1 += aTop * b1;
                    d2 += aBottom * b0;
                    d3 += aBottom * b1;
                }
            }
        }
        return new Float4(d0, d1, d2, d3);
    }

    private static float Widen(uint bits, bool bf16) =>
        bf16 ? Interop.IntAsFloat((bits & 0xFFFFu) << 16) : (float)Interop.IntAsFloat((ushort)(bits & 0xFFFFu));
}
