using Kernels.Language;

namespace Kernels.Tests;

/// <summary>Small kernels that probe the CPU executor's device semantics.</summary>
public static class ExecutorKernels
{
    [Kernel]
    public static void WritesPastEnd(ArrayView<float> y) => y[Grid.GlobalIndexX] = 1f;

    [Kernel]
    public static void ShufflesInDivergentBranch(ArrayView<int> y)
    {
        var lane = Grid.ThreadIdxX;
        if (lane < 16)
        {
            y[lane] = Warp.ShuffleXor(lane, 1);
        }
        else
        {
            y[lane] = Warp.ShuffleDown(lane, 1);
        }
    }

    [Kernel]
    public static void MisalignedVectorLoad(ArrayView<float> x, ArrayView<float> y) => y[0] = Vector.Load4(x, 1).X;

    [Kernel]
    public static void ExitedLanesKeepOwnValue(ArrayView<int> y)
    {
        var lane = Grid.ThreadIdxX;
        if (lane >= 8)
        {
            return;
        }
        // Lanes 8..31 have exited: lane 7 reading lane 8 gets its own value back.
        y[lane] = Warp.ShuffleDown(lane * 10, 1);
    }

    [Kernel]
    public static void TwoDimensionalIndices(ArrayView<int> y)
    {
        var x = (Grid.BlockIdxX * Grid.BlockDimX) + Grid.ThreadIdxX;
        var row = (Grid.BlockIdxY * Grid.BlockDimY) + Grid.ThreadIdxY;
        var width = Grid.GridDimX * Grid.BlockDimX;
        y[(row * width) + x] = (row * 1000) + x + (Grid.ThreadIdxZ * 0);
    }

    [Kernel]
    public static void DynamicShared(ArrayView<float> x, ArrayView<float> y)
    {
        var tile = Shared.Dynamic<float>();
        var tid = Grid.ThreadIdxX;
        tile[tid] = x[tid];
        Block.Barrier();
        y[tid] = tile[tile.Count - 1 - tid];
    }

    /// <summary>Integer and float expressions of every IL family; <see cref="ScalarOpsReference"/> is the same code run by .NET.</summary>
    [Kernel]
    public static void ScalarOps(ArrayView<int> a, ArrayView<int> b, ArrayView<int> ints, ArrayView<float> floats)
    {
        var i = Grid.GlobalIndexX;
        if (i >= a.Length)
        {
            return;
        }
        var (x, y) = (a[i], b[i]);
        var o = i * IntOutputs;
        ints[o] = x + y;
        ints[o + 1] = x - (y * 3);
        ints[o + 2] = y != 0 && !(x == int.MinValue && y == -1) ? x / y : 0;
        ints[o + 3] = y != 0 && !(x == int.MinValue && y == -1) ? x % y : 0;
        ints[o + 4] = (int)((uint)x / (((uint)y) | 1u));
        ints[o + 5] = (x << (y & 31)) ^ (x >> (y & 7)) ^ (int)((uint)x >> (y & 15));
        ints[o + 6] = (x < y ? 1 : 0) + (x <= y ? 2 : 0) + ((uint)x > (uint)y ? 4 : 0) + (x == y ? 8 : 0) + (x >= 0 ? 16 : 0);
        ints[o + 7] = Math.Max(x, y) - Math.Min(x, y) + (x == int.MinValue ? 0 : Math.Abs(x));
        ints[o + 8] = (sbyte)x + (byte)y + (short)(x >> 3) + (ushort)y;
        ints[o + 9] = (int)(((long)x * y) >> 16);
        ints[o + 10] = (int)(uint)Math.Max((uint)x, (uint)y);
        ints[o + 11] = ~x & (y | 0x0F0F);
        var f = x * 0.001f;
        var g = y * -0.002f;
        var fo = i * FloatOutputs;
        floats[fo] = (f * g) + (f / (MathF.Abs(g) + 1f));
        floats[fo + 1] = f > g ? f - g : g - f;
        floats[fo + 2] = (float)(int)(f * 100f) + (float)(uint)(y & 0xFFFF);
        floats[fo + 3] = (float)((double)f * g);
        floats[fo + 4] = MathF.Max(f, g) + MathF.Min(f, -g);
        floats[fo + 5] = (float)(long)x + (x / 7);
    }

    public const int IntOutputs = 12;
    public const int FloatOutputs = 6;

    /// <summary>The same expressions as <see cref="ScalarOps"/>, run by .NET for one element.</summary>
    public static (int[] Ints, float[] Floats) ScalarOpsReference(int x, int y)
    {
        var f = x * 0.001f;
        var g = y * -0.002f;
        return (
        [
            x + y,
            x - (y * 3),
            y != 0 && !(x == int.MinValue && y == -1) ? x / y : 0,
            y != 0 && !(x == int.MinValue && y == -1) ? x % y : 0,
            (int)((uint)x / (((uint)y) | 1u)),
            (x << (y & 31)) ^ (x >> (y & 7)) ^ (int)((uint)x >> (y & 15)),
            (x < y ? 1 : 0) + (x <= y ? 2 : 0) + ((uint)x > (uint)y ? 4 : 0) + (x == y ? 8 : 0) + (x >= 0 ? 16 : 0),
            Math.Max(x, y) - Math.Min(x, y) + (x == int.MinValue ? 0 : Math.Abs(x)),
            (sbyte)x + (byte)y + (short)(x >> 3) + (ushort)y,
            (int)(((long)x * y) >> 16),
            (int)(uint)Math.Max((uint)x, (uint)y),
            ~x & (y | 0x0F0F),
        ],
        [
            (f * g) + (f / (MathF.Abs(g) + 1f)),
            f > g ? f - g : g - f,
            (float)(int)(f * 100f) + (float)(uint)(y & 0xFFFF),
            (float)((double)f * g),
            MathF.Max(f, g) + MathF.Min(f, -g),
            (float)(long)x + (x / 7),
        ]);
    }

    public struct MinMax
    {
        public float Min;
        public float Max;
    }

    private static MinMax Order(float a, float b) => a < b ? new MinMax { Min = a, Max = b } : new MinMax { Min = b, Max = a };

    private static float Spread(MinMax range) => range.Max - range.Min;

    private static void Swap(ref float a, ref float b) => (a, b) = (b, a);

    private static void Split(float value, out int whole, out float fraction)
    {
        whole = (int)value;
        fraction = value - whole;
    }

    /// <summary>Structs returned and passed by value, ref and out parameters to locals: [min, max, spread, swapped a, whole, fraction].</summary>
    [Kernel]
    public static void StructsAndRefs(ArrayView<float> x, ArrayView<float> y)
    {
        var i = Grid.GlobalIndexX;
        if (2 * i + 1 >= x.Length)
        {
            return;
        }
        var a = x[2 * i];
        var b = x[(2 * i) + 1];
        var range = Order(a, b);
        Swap(ref a, ref b);
        Split(b * 10f, out var whole, out var fraction);
        var o = 6 * i;
        y[o] = range.Min;
        y[o + 1] = range.Max;
        y[o + 2] = Spread(range);
        y[o + 3] = a;
        y[o + 4] = whole;
        y[o + 5] = fraction;
    }
}
