using ILGPU;
using ILGPU.Runtime;
using Kernels;
using Kernels.Language;

namespace Engine.Backends.Cuda;

/// <summary>
/// The decode GEMV: y[r, o] = Σ_i x[r, i] · w[o, i] (+ bias[o]) for up to <see cref="MaxRows"/> rows of x, that is
/// y = x·Wᵀ with W (n, k) row-major as the checkpoint stores it. One warp per output o reads W's row o once,
/// 128 bits per lane per load through the read-only path (4 f32 or 8 half-width weights), and accumulates every
/// x row in float32 registers; a butterfly reduces the 32 lanes. Rows whose start is not 16-byte aligned (k not
/// a multiple of 4 for f32, of 8 for bf16/f16) take the scalar loop only. More rows are launched in chunks.
/// </summary>
public static class Gemv
{
    /// <summary>x rows one launch accumulates (decode batches; larger batches belong to the tensor-core GEMM).</summary>
    public const int MaxRows = 8;

    /// <summary>Warps (outputs) per group.</summary>
    public const int WarpsPerGroup = 8;

    public static readonly Action<GlobalView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Shape> F32Entry = F32;

    public static readonly Action<GlobalView<uint>, ArrayView<ushort>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Shape> Bf16Entry = HalfWidth<Bf16Format>;

    public static readonly Action<GlobalView<uint>, ArrayView<ushort>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Shape> F16Entry = HalfWidth<F16Format>;

    /// <summary>The scalars of one launch (launchers take at most six parameters).</summary>
    /// <param name="N">Outputs (W's rows).</param>
    /// <param name="K">Inputs (W's columns, x's row width).</param>
    /// <param name="Rows">x rows in this launch, 1..<see cref="MaxRows"/>.</param>
    /// <param name="VectorElements">Leading elements of each W row read 128 bits at a time (a multiple of the vector width; 0 when rows are misaligned).</param>
    /// <param name="HasBias">1 to add bias[o].</param>
    public readonly record struct Shape(int N, int K, int Rows, int VectorElements, int HasBias);

    public static void F32(GlobalView<float> w, ArrayView<float> x, ArrayView<float> bias, ArrayView<float> y, Shape shape)
    {
        var o = (Grid.IdxX * (Group.DimX / Warp.WarpSize)) + Warp.WarpIdx;
        if (o >= shape.N)
        {
            return;
        }
        var k = shape.K;
        var rowStart = o * k;
        var sums = default(RowSums);
        for (var i = Warp.LaneIdx * 4; i < shape.VectorElements; i += Warp.WarpSize * 4)
        {
            var v = ReadOnly.Load4(w, rowStart + i);
            sums.Add(x, k, i, v.X, shape.Rows);
            sums.Add(x, k, i + 1, v.Y, shape.Rows);
            sums.Add(x, k, i + 2, v.Z, shape.Rows);
            sums.Add(x, k, i + 3, v.W, shape.Rows);
        }
        var weights = w.View;
        for (var i = shape.VectorElements + Warp.LaneIdx; i < k; i += Warp.WarpSize)
        {
            sums.Add(x, k, i, weights[rowStart + i], shape.Rows);
        }
        sums.Store(bias, y, o, shape);
    }

    /// <summary>bf16 or f16 weights: <paramref name="words"/> is the same buffer as <paramref name="w"/> seen as pairs (low half first).</summary>
    public static void HalfWidth<TFormat>(GlobalView<uint> words, ArrayView<ushort> w, ArrayView<float> x, ArrayView<float> bias, ArrayView<float> y, Shape shape)
        where TFormat : struct, IHalfFormat
    {
        var o = (Grid.IdxX * (Group.DimX / Warp.WarpSize)) + Warp.WarpIdx;
        if (o >= shape.N)
        {
            return;
        }
        var format = default(TFormat);
        var k = shape.K;
        var rowStart = o * k;
        var sums = default(RowSums);
        for (var i = Warp.LaneIdx * 8; i < shape.VectorElements; i += Warp.WarpSize * 8)
        {
            var v = ReadOnly.Load4(words, (rowStart + i) / 2);
            sums.AddPair(x, k, i, v.X, format, shape.Rows);
            sums.AddPair(x, k, i + 2, v.Y, format, shape.Rows);
            sums.AddPair(x, k, i + 4, v.Z, format, shape.Rows);
            sums.AddPair(x, k, i + 6, v.W, format, shape.Rows);
        }
        for (var i = shape.VectorElements + Warp.LaneIdx; i < k; i += Warp.WarpSize)
        {
            sums.Add(x, k, i, format.Widen(w[rowStart + i]), shape.Rows);
        }
        sums.Store(bias, y, o, shape);
    }

    /// <summary>
    /// y (rows, n) = x (rows, k) · Wᵀ (+ bias) with f32 weights; shapes are checked on the host. <paramref name="bias"/> may be
    /// empty (no bias) or hold n elements.
    /// </summary>
    public static void LaunchF32(KernelContext context, AcceleratorStream stream, GlobalView<float> w, int n, int k, ArrayView<float> x, ArrayView<float> bias, ArrayView<float> y, int rows)
    {
        ArgumentNullException.ThrowIfNull(context);
        CheckShapes(nameof(Gemv), w.Length, n, k, x.Length, bias.Length, y.Length, rows);
        var vector = k % 4 == 0 && w.Address % 16 == 0 ? k : 0;
        Launch(n, k, x, bias, y, rows, vector, (shape, xs, ys) => context.Load(F32Entry)(stream, Config(n), w, xs, Bias(bias, x), ys, shape));
    }

    /// <summary>As <see cref="LaunchF32"/> for bf16 (<paramref name="f16"/> false) or f16 weights, given as 16-bit patterns.</summary>
    public static void LaunchHalfWidth(KernelContext context, AcceleratorStream stream, ArrayView<ushort> w, bool f16, int n, int k, ArrayView<float> x, ArrayView<float> bias, ArrayView<float> y, int rows)
    {
        ArgumentNullException.ThrowIfNull(context);
        CheckShapes(nameof(Gemv), w.Length, n, k, x.Length, bias.Length, y.Length, rows);
        var words = w.Cast<uint>();
        var address = w.LoadEffectiveAddressAsPtr().ToInt64();
        var vector = k % 8 == 0 && address % 16 == 0 ? k : 0;
        var view = new GlobalView<uint>(words, address);
        var kernel = context.Load(f16 ? F16Entry : Bf16Entry);
        Launch(n, k, x, bias, y, rows, vector, (shape, xs, ys) => kernel(stream, Config(n), view, w, xs, Bias(bias, x), ys, shape));
    }

    /// <summary>The host check of a matrix product's views (the GEMV's and the GEMM's): W (n, k), rows of x and y, 0 or n biases.</summary>
    internal static void CheckShapes(string op, long weights, int n, int k, long x, long bias, long y, int rows)
    {
        if (n <= 0 || k <= 0 || rows < 0 || weights < (long)n * k || x < (long)rows * k || y < (long)rows * n || (bias != 0 && bias < n))
        {
            throw new ArgumentException(
                $"{op}: W ({n}, {k}) and {rows} rows need {(long)n * k} weights, {(long)rows * k} inputs, {(long)rows * n} outputs and 0 or {n} biases; got {weights}, {x}, {y}, {bias}.");
        }
    }

    /// <summary>A view the kernel may index when there is no bias (it never reads it then): an empty view cannot be passed.</summary>
    internal static ArrayView<float> Bias(ArrayView<float> bias, ArrayView<float> x) => bias.Length > 0 ? bias : x;

    // Fewer warps than WarpsPerGroup only for tiny n (tests: the CPU accelerator simulates idle warps too).
    private static KernelConfig Config(int n) =>
        new((n + WarpsPerGroup - 1) / WarpsPerGroup, Math.Min(WarpsPerGroup, n) * 32);

    private static void Launch(int n, int k, ArrayView<float> x, ArrayView<float> bias, ArrayView<float> y, int rows, int vector, Action<Shape, ArrayView<float>, ArrayView<float>> launch)
    {
        for (var first = 0; first < rows; first += MaxRows)
        {
            var count = Math.Min(MaxRows, rows - first);
            launch(new Shape(n, k, count, vector, bias.Length > 0 ? 1 : 0), x.SubView((long)first * k, (long)count * k), y.SubView((long)first * n, (long)count * n));
        }
    }
}
