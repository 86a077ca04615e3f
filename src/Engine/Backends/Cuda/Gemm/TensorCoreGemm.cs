using ILGPU;
using ILGPU.Runtime;
using Kernels.Language;

namespace Engine.Backends.Cuda.Gemm;

/// <summary>
/// The prefill GEMM on tensor cores: y (m, n) = x (m, k) · Wᵀ (+ bias), x the float32 activations, W (n, k) bf16 or
/// f16 row-major as the checkpoint stores it; x is rounded to W's type on its way into shared memory (what vLLM's
/// bf16 activations are), products accumulate in float32.
/// <para>
/// One group of 8 warps computes a (32·TM) × 128 block of y; the warps form a 2 (m) × 4 (n) grid, each owning
/// (16·TM) × 32: TM × 4 mma.m16n8k16 tiles. The k loop walks 32-wide slices through two shared-memory stages:
/// each thread issues its loads of slice s+1 (ld.global.nc.v4) into registers, the warps multiply slice s from
/// shared memory meanwhile, then the registers are rounded and stored to the other stage; one barrier per slice.
/// Fragments come from shared memory by ldmatrix.x4: A as stored (rows m, k contiguous), and B = Wᵀ also without
/// .trans, because W's rows (n) with k contiguous are exactly mma's "col" operand. Each 64-byte shared row's four
/// 16-byte chunks are XOR-swizzled by (row / 2) mod 4, so the 8 row addresses of one ldmatrix phase fall in 8
/// different bank quads.
/// </para>
/// <para>
/// Why registers and not cp.async: ILGPU passes every inline-PTX output (the mma and ldmatrix fragments) through a
/// local variable, which ptxas (11.8, the gate's) turns back into registers in every kernel except one that also
/// contains cp.async: there it leaves them in local memory (a 224-byte stack frame at TM = 1). Register staging
/// is the pre-Ampere double buffer and keeps the gate's zero stack frame; it also lets x arrive as float32 and be
/// rounded in the same pass, with no separate conversion kernel or padded copy of x.
/// </para>
/// <para>
/// Split-K: grid z splits the k slices into <see cref="Shape.Splits"/> ranges, for short prompts whose (m, n)
/// blocks alone would leave most SMs idle; split z writes its partial sums (split 0's with the bias) to slab z of
/// the output, and <see cref="SplitSum"/> adds the slabs into y in split order. Not atomics: the sum's order,
/// and so y's bits, stay the same from run to run, as seeded sampling needs. With one split the output is y.
/// </para>
/// <para>
/// Tails: chunks of x past m or k and of W past n or k load as zeros (k must be a multiple of 8, x's and W's bases
/// 16-byte aligned: the host falls back to the GEMV otherwise); outputs past (m, n) are not stored.
/// </para>
/// </summary>
public static partial class TensorCoreGemm
{
    /// <summary>Columns of y per group.</summary>
    public const int BlockN = 128;

    /// <summary>k per stage.</summary>
    public const int BlockK = 32;

    /// <summary>Shared-memory stages (double buffer).</summary>
    public const int Stages = 2;

    /// <summary>Threads per group (8 warps).</summary>
    public const int Threads = 256;

    /// <summary>The scalars of one launch.</summary>
    /// <param name="M">Rows of y (tokens).</param>
    /// <param name="N">Columns of y (W's rows).</param>
    /// <param name="K">x's and W's row length (a multiple of 8).</param>
    /// <param name="HasBias">1 to add bias[col].</param>
    /// <param name="Splits">k ranges (grid z); above 1, the output holds one (m, n) slab of partial sums per split.</param>
    public readonly record struct Shape(int M, int N, int K, int HasBias, int Splits);

    /// <summary>Rows of y per group for <paramref name="mTiles"/> m16 tiles per warp.</summary>
    public static int BlockRows(int mTiles) => 32 * mTiles;

    /// <summary>Dynamic shared memory of one group, in 16-bit elements.</summary>
    public static int SharedElements(int mTiles) => Stages * (BlockRows(mTiles) + BlockN) * BlockK;

    /// <summary>k slices of <see cref="BlockK"/> for a row length of <paramref name="k"/>.</summary>
    public static int Slices(int k) => (k + BlockK - 1) / BlockK;

    /// <summary>
    /// One group's block of y (or, with <see cref="Shape.Splits"/> above 1, of <paramref name="output"/>'s slab
    /// grid z, (m, n) each).
    /// </summary>
    public static void Kernel<TFormat, TM>(GlobalView<float> x, GlobalView<uint> w, ArrayView<float> bias, ArrayView<float> output, Shape shape)
        where TFormat : struct, IMmaFormat
        where TM : struct, IConst
    {
        var shared = SharedMemory.GetDynamic<ushort>();
        var words = shared.Cast<uint>();
        var blockRows = BlockRows(TM.Value);
        var stageElements = (blockRows + BlockN) * BlockK;
        var tid = Group.IdxX;
        var m0 = Grid.IdxY * blockRows;
        var n0 = Grid.IdxX * BlockN;
        // This split's slices [first, end): the slices shared as evenly as whole slices allow.
        var slices = Slices(shape.K);
        var first = (int)((long)slices * Grid.IdxZ / shape.Splits);
        var end = (int)((long)slices * (Grid.IdxZ + 1) / shape.Splits);

        var acc = default(WarpAccumulators);
        var warp = tid >> 5;
        var lane = tid & 31;
        var wm = warp >> 2;
        var wn = warp & 3;
        if (first < end)
        {
            var staged = Load(x, w, shape, first, m0, n0, tid, TM.Value);
            Store<TFormat>(words, staged, 0, tid, TM.Value);
        }
        Group.Barrier();

        // ldmatrix.x4 row addresses: A lanes 0-15 give rows 0-15 at chunk 0, lanes 16-31 the same rows at chunk 1
        // (matrices a.X..a.W = rows 0-7/8-15 × k 0-7, then × k 8-15); B lanes 8q..8q+7 give n rows 8(q/2).. at
        // chunk q%2: (n 0-7, k 0-7), (n 0-7, k 8-15), (n 8-15, k 0-7), (n 8-15, k 8-15), two n8 tiles' fragments.
        var aRow = (wm * 16 * TM.Value) + (lane & 15);
        var aChunk = lane >> 4;
        var bRow = (wn * 32) + (((lane >> 4) & 1) * 8) + (lane & 7);
        var bChunk = (lane >> 3) & 1;
        for (var s = first; s < end; s++)
        {
            // Slice s+1 in flight in registers while slice s is multiplied.
            var more = s + 1 < end;
            var staged = default(StageRegisters);
            if (more)
            {
                staged = Load(x, w, shape, s + 1, m0, n0, tid, TM.Value);
            }

            var aBase = ((s - first) & 1) * stageElements;
            var bBase = aBase + (blockRows * BlockK);
            for (var ks = 0; ks < BlockK / 16; ks++)
            {
                var b01 = TensorCore.LoadMatrixX4(shared, bBase + Swizzle(bRow, (ks * 2) + bChunk));
                var b23 = TensorCore.LoadMatrixX4(shared, bBase + Swizzle(bRow + 16, (ks * 2) + bChunk));
                var fb0 = new UInt2(b01.X, b01.Y);
                var fb1 = new UInt2(b01.Z, b01.W);
                var fb2 = new UInt2(b23.X, b23.Y);
                var fb3 = new UInt2(b23.Z, b23.W);
                var chunk = (ks * 2) + aChunk;
                acc.Mma<TFormat>(0, TensorCore.LoadMatrixX4(shared, aBase + Swizzle(aRow, chunk)), fb0, fb1, fb2, fb3);
                if (TM.Value > 1)
                {
                    acc.Mma<TFormat>(1, TensorCore.LoadMatrixX4(shared, aBase + Swizzle(aRow + 16, chunk)), fb0, fb1, fb2, fb3);
                }
                if (TM.Value > 2)
                {
                    acc.Mma<TFormat>(2, TensorCore.LoadMatrixX4(shared, aBase + Swizzle(aRow + 32, chunk)), fb0, fb1, fb2, fb3);
                    acc.Mma<TFormat>(3, TensorCore.LoadMatrixX4(shared, aBase + Swizzle(aRow + 48, chunk)), fb0, fb1, fb2, fb3);
                }
            }

            // The other stage held slice s-1, which every warp finished before the last barrier.
            if (more)
            {
                Store<TFormat>(words, staged, ((s + 1 - first) & 1) * stageElements, tid, TM.Value);
            }
            Group.Barrier();
        }

        // Epilogue: this lane's accumulators are rows g, g+8 and columns 2t, 2t+1 of each mma tile (bias fused).
        var row0 = m0 + (wm * 16 * TM.Value) + (lane >> 2);
        var col0 = n0 + (wn * 32) + ((lane & 3) * 2);
        var slab = shape.Splits > 1 ? output.SubView((long)Grid.IdxZ * shape.M * shape.N, (long)shape.M * shape.N) : output;
        acc.Store(TM.Value, slab, bias, shape, Grid.IdxZ == 0, row0, col0);
    }

    // Element index of (row, 16-byte chunk) in a stage's 32-wide tile, chunks XOR-swizzled by (row / 2) mod 4.
    private static int Swizzle(int row, int chunk) => (row * BlockK) + ((chunk ^ ((row >> 1) & 3)) * 8);

    // Thread tid's chunks of slice s: x chunks tid and tid + 256 of the (32·TM) × 4 chunk grid (TM = 1 uses
    // threads 0..127 only), W chunks tid and tid + 256 of the 128 × 4 grid; zeros past m, n or k.
    private static StageRegisters Load(GlobalView<float> x, GlobalView<uint> w, Shape shape, int s, int m0, int n0, int tid, int mTiles)
    {
        var k0 = s * BlockK;
        var staged = default(StageRegisters);
        if (mTiles > 1 || tid < 128)
        {
            LoadX(x, shape, m0, k0, tid, out staged.A0Low, out staged.A0High);
        }
        if (mTiles > 2)
        {
            LoadX(x, shape, m0, k0, tid + Threads, out staged.A1Low, out staged.A1High);
        }
        staged.B0 = LoadW(w, shape, n0, k0, tid);
        staged.B1 = LoadW(w, shape, n0, k0, tid + Threads);
        return staged;
    }

    private static void LoadX(GlobalView<float> x, Shape shape, int m0, int k0, int c, out Float4 low, out Float4 high)
    {
        var m = m0 + (c >> 2);
        var k = k0 + ((c & 3) * 8);
        if (m < shape.M && k < shape.K)
        {
            var at = (m * shape.K) + k;
            low = ReadOnly.Load4(x, at);
            high = ReadOnly.Load4(x, at + 4);
        }
        else
        {
            low = default;
            high = default;
        }
    }

    private static UInt4 LoadW(GlobalView<uint> w, Shape shape, int n0, int k0, int c)
    {
        var n = n0 + (c >> 2);
        var k = k0 + ((c & 3) * 8);
        return n < shape.N && k < shape.K ? ReadOnly.Load4(w, ((n * shape.K) + k) / 2) : default;
    }

    private static void Store<TFormat>(ArrayView<uint> words, StageRegisters staged, int stageBase, int tid, int mTiles)
        where TFormat : struct, IMmaFormat
    {
        if (mTiles > 1 || tid < 128)
        {
            StoreChunk(words, stageBase, tid, Round<TFormat>(staged.A0Low, staged.A0High));
        }
        if (mTiles > 2)
        {
            StoreChunk(words, stageBase, tid + Threads, Round<TFormat>(staged.A1Low, staged.A1High));
        }
        var bBase = stageBase + (BlockRows(mTiles) * BlockK);
        StoreChunk(words, bBase, tid, staged.B0);
        StoreChunk(words, bBase, tid + Threads, staged.B1);
    }

    private static UInt4 Round<TFormat>(Float4 low, Float4 high)
        where TFormat : struct, IMmaFormat =>
        new(TFormat.Pack(low.X, low.Y), TFormat.Pack(low.Z, low.W), TFormat.Pack(high.X, high.Y), TFormat.Pack(high.Z, high.W));

    private static void StoreChunk(ArrayView<uint> words, int tileBase, int c, UInt4 v)
    {
        var i = (tileBase + Swizzle(c >> 2, c & 3)) / 2;
        words[i] = v.X;
        words[i + 1] = v.Y;
        words[i + 2] = v.Z;
        words[i + 3] = v.W;
    }
}
