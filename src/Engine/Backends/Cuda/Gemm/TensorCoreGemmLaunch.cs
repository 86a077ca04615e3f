using ILGPU;
using ILGPU.Runtime;
using Kernels;
using Kernels.Language;

namespace Engine.Backends.Cuda.Gemm;

/// <summary>The host side of <see cref="TensorCoreGemm"/>: when it applies, its launch shape, and the launch.</summary>
public static partial class TensorCoreGemm
{
    /// <summary>Slices (of <see cref="BlockK"/>) each split keeps at least: shorter k ranges cost more in partial sums than they gain in SMs.</summary>
    public const int MinSlicesPerSplit = 8;

    /// <summary>Most splits of one product.</summary>
    public const int MaxSplits = 16;

    /// <summary>A launch's shape: m16 tiles per warp (1, 2 or 4) and k ranges.</summary>
    public readonly record struct Plan(int MTiles, int Splits);

    /// <summary>
    /// Whether the kernel can read these operands: k a multiple of 8 and both bases 16-byte aligned, so every
    /// 8-element chunk of a row is one 128-bit load (the GEMV takes the rest).
    /// </summary>
    public static bool Supports(int k, ArrayView<float> x, ArrayView<ushort> w) =>
        k > 0 && k % 8 == 0 && Address(x) % 16 == 0 && Address(w) % 16 == 0;

    /// <summary>
    /// The shape for <paramref name="rows"/> × W (n, k) on <paramref name="multiprocessors"/> SMs: the tallest
    /// block the rows fill (32, 64 or 128 rows, so a short prompt pads little), then as many k splits as bring
    /// the groups up to one per SM, each split keeping <see cref="MinSlicesPerSplit"/> slices.
    /// </summary>
    public static Plan PlanFor(int rows, int n, int k, int multiprocessors)
    {
        var mTiles = rows <= 32 ? 1 : rows <= 64 ? 2 : 4;
        var blocks = (long)((n + BlockN - 1) / BlockN) * ((rows + BlockRows(mTiles) - 1) / BlockRows(mTiles));
        var bySms = blocks >= multiprocessors ? 1 : (int)(multiprocessors / blocks);
        var bySlices = Math.Max(1, Slices(k) / MinSlicesPerSplit);
        return new Plan(mTiles, Math.Clamp(Math.Min(bySms, bySlices), 1, MaxSplits));
    }

    /// <summary>
    /// The most partial sums any <see cref="PlanFor"/> plan needs on <paramref name="multiprocessors"/> SMs: it
    /// splits only while splits × blocks ≤ SMs, and a block covers at most 128 × 128 outputs.
    /// </summary>
    public static long MaxPartials(int multiprocessors) => (long)Math.Max(1, multiprocessors) * BlockRows(4) * BlockN;

    /// <summary>Partial sums a launch of <paramref name="plan"/> needs: one (rows, n) slab per split, none unsplit.</summary>
    public static long PartialsFor(Plan plan, int rows, int n) => plan.Splits > 1 ? (long)plan.Splits * rows * n : 0;

    /// <summary>
    /// y (rows, n) = x (rows, k) · Wᵀ (+ bias) with W bf16 (<paramref name="f16"/> false) or f16 as 16-bit
    /// patterns; <paramref name="bias"/> empty or n long; <paramref name="partials"/> at least
    /// <see cref="PartialsFor"/> long (empty unsplit). Checked on the host; no synchronisation.
    /// </summary>
    public static void Launch(KernelContext context, AcceleratorStream stream, ArrayView<float> x, ArrayView<ushort> w, bool f16, int n, int k,
        ArrayView<float> bias, ArrayView<float> y, int rows, Plan plan, ArrayView<float> partials)
    {
        ArgumentNullException.ThrowIfNull(context);
        Gemv.CheckShapes(nameof(TensorCoreGemm), w.Length, n, k, x.Length, bias.Length, y.Length, rows);
        if (!Supports(k, x, w))
        {
            throw new ArgumentException($"{nameof(TensorCoreGemm)}: k = {k} must be a multiple of 8 and x's and W's bases 16-byte aligned (x at 0x{Address(x):X}, W at 0x{Address(w):X}).");
        }
        if (plan.MTiles is not (1 or 2 or 4) || plan.Splits < 1 || plan.Splits > Slices(k) || partials.Length < PartialsFor(plan, rows, n))
        {
            throw new ArgumentException($"{nameof(TensorCoreGemm)}: plan {plan} for {rows} × ({n}, {k}) needs 1, 2 or 4 m tiles, 1..{Slices(k)} splits and {PartialsFor(plan, rows, n)} partial sums; got {partials.Length}.");
        }
        if (rows == 0)
        {
            return;
        }
        var xs = new GlobalView<float>(x, Address(x));
        var ws = new GlobalView<uint>(w.Cast<uint>(), Address(w));
        var output = plan.Splits > 1 ? partials : y;
        var shape = new Shape(rows, n, k, bias.Length > 0 ? 1 : 0, plan.Splits);
        var grid = new Index3D((n + BlockN - 1) / BlockN, (rows + BlockRows(plan.MTiles) - 1) / BlockRows(plan.MTiles), plan.Splits);
        var config = new KernelConfig(grid, new Index3D(Threads, 1, 1), SharedMemoryConfig.RequestDynamic<ushort>(SharedElements(plan.MTiles)));
        var kernel = context.Load(EntryFor(f16, plan.MTiles));
        kernel(stream, config, xs, ws, Gemv.Bias(bias, x), output, shape);
        if (plan.Splits > 1)
        {
            SplitSum.Launch(context, stream, partials, y, rows * n, plan.Splits);
        }
    }

    private static long Address<T>(ArrayView<T> view)
        where T : unmanaged => view.LoadEffectiveAddressAsPtr().ToInt64();

    private static Action<GlobalView<float>, GlobalView<uint>, ArrayView<float>, ArrayView<float>, Shape> EntryFor(bool f16, int mTiles) =>
        (f16, mTiles) switch
        {
            (false, 1) => Entries<MmaBf16, MTiles1>.Kernel,
            (false, 2) => Entries<MmaBf16, MTiles2>.Kernel,
            (false, _) => Entries<MmaBf16, MTiles4>.Kernel,
            (true, 1) => Entries<MmaF16, MTiles1>.Kernel,
            (true, 2) => Entries<MmaF16, MTiles2>.Kernel,
            (true, _) => Entries<MmaF16, MTiles4>.Kernel,
        };

    // One delegate per instance, so the context's cache of loaded kernels sees the same key every launch.
    private static class Entries<TFormat, TM>
        where TFormat : struct, IMmaFormat
        where TM : struct, IConst
    {
        public static readonly Action<GlobalView<float>, GlobalView<uint>, ArrayView<float>, ArrayView<float>, Shape> Kernel = Kernel<TFormat, TM>;
    }
}
