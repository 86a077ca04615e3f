using ILGPU;
using ILGPU.Runtime;
using Kernels;
using Kernels.Language;

namespace Engine.Backends.Cuda.Attention;

/// <summary>The element type of a KV cache on the device.</summary>
public enum KvCacheType
{
    F32,
    Bf16,
    F16,
}

/// <summary>
/// The host side of paged attention on the device: IBackend.PagedAttention's math (row r of sequence s at
/// position p, query head j attends to keys 0..p of KV head j / (n_heads / n_kv_heads) through s's block table:
/// out = Σ softmax(q·k / sqrt(head_dim)) v) over a batch that may mix decode rows and prefill chunks.
/// Sequences with one query row go to <see cref="DecodeAttention"/> (split over partitions of the context, then
/// <see cref="DecodeReduce"/> where a context spans several), longer runs to <see cref="PrefillAttention"/>; each
/// kernel skips the other's sequences, so both read the same metadata. Launches go on the given stream with no
/// host synchronisation. The flash-decoding scratch is allocated on first need and grown, never per step once
/// the largest batch has run (call <see cref="Reserve"/> before graph capture).
/// </summary>
/// <remarks>
/// For CudaBackend.RunAttention: <c>kernels.Run(stream, q, output, keys[layer], values[layer], type, metadata,
/// AttentionStep.From(batch), numHeads, numKvHeads, headDim)</c> with q/output (tokens, numHeads · headDim)
/// float32, the caches (blocks, block_size, numKvHeads, headDim) as float32 or 16-bit patterns and the metadata
/// uploaded in BeginStep. head_dim must be one of <see cref="HeadDims"/>.
/// </remarks>
public sealed class PagedAttentionKernels(KernelContext context) : IDisposable
{
    /// <summary>Keys per decode partition (vLLM's PARTITION_SIZE), halved where the shared memory would exceed 48 KB.</summary>
    public const int DefaultPartitionTokens = 512;

    /// <summary>Shared memory a group may use without opting in (48 KB).</summary>
    public const int SharedBytes = 48 * 1024;

    /// <summary>Query vectors (rows × the KV head's query heads) one prefill group holds: 43 KB of shared memory at head_dim 128.</summary>
    public const int PrefillVectors = 32;

    /// <summary>The head sizes there are kernels for.</summary>
    public static IReadOnlyList<int> HeadDims { get; } = [8, 16, 64, 96, 128];

    private readonly KernelContext _context = context ?? throw new ArgumentNullException(nameof(context));
    private MemoryBuffer1D<float, Stride1D.Dense>? _partials;

    /// <summary>Keys per decode partition; tests set it small so contexts cross partitions.</summary>
    public int PartitionTokens { get; init; } = DefaultPartitionTokens;

    /// <summary>Attention with a float32 cache.</summary>
    public void Run(AcceleratorStream stream, ArrayView<float> q, ArrayView<float> output, ArrayView<float> keys, ArrayView<float> values,
        AttentionMetadata metadata, AttentionStep step, int numHeads, int numKvHeads, int headDim) =>
        Run(stream, q, output, Words(keys.Cast<uint>()), Words(values.Cast<uint>()), KvCacheType.F32, metadata, step, new Heads(numHeads, numKvHeads, headDim));

    /// <summary>Attention with a bf16 (<paramref name="type"/> Bf16) or f16 cache given as 16-bit patterns.</summary>
    public void Run(AcceleratorStream stream, ArrayView<float> q, ArrayView<float> output, ArrayView<ushort> keys, ArrayView<ushort> values,
        KvCacheType type, AttentionMetadata metadata, AttentionStep step, int numHeads, int numKvHeads, int headDim)
    {
        if (type == KvCacheType.F32)
        {
            throw new ArgumentException("PagedAttentionKernels: a 16-bit cache is bf16 or f16, not f32.", nameof(type));
        }
        Run(stream, q, output, Words(keys.Cast<uint>()), Words(values.Cast<uint>()), type, metadata, step, new Heads(numHeads, numKvHeads, headDim));
    }

    /// <summary>Allocates the decode scratch for up to <paramref name="maxSeqs"/> sequences of <paramref name="maxContextLen"/> keys now.</summary>
    public void Reserve(int maxSeqs, int maxContextLen, int numHeads, int numKvHeads, int headDim)
    {
        var partition = PartitionFor(headDim, numHeads / numKvHeads);
        Partials((long)maxSeqs * numHeads * Math.Max(1, (maxContextLen + partition - 1) / partition) * DecodeAttention.RecordFloats(headDim));
    }

    public void Dispose() => _partials?.Dispose();

    private void Run(AcceleratorStream stream, ArrayView<float> q, ArrayView<float> output, GlobalView<uint> keys, GlobalView<uint> values,
        KvCacheType type, AttentionMetadata metadata, AttentionStep step, Heads heads)
    {
        ArgumentNullException.ThrowIfNull(stream);
        AttentionChecks.Check(q.Length, output.Length, (long)keys.Length * PerWord(type), (long)values.Length * PerWord(type), metadata, step, heads.NumHeads, heads.NumKvHeads, heads.HeadDim, PartitionTokens);
        if (step.NumSeqs == 0)
        {
            return;
        }
        var d = heads.HeadDim;
        var group = heads.NumHeads / heads.NumKvHeads;
        var partition = PartitionFor(d, group);
        var maxPartitions = Math.Max(1, (step.MaxContextLen + partition - 1) / partition);
        var tileRows = Math.Max(1, PrefillVectors / group);
        var scratch = step.NumDecodeSeqs > 0 && maxPartitions > 1
            ? Partials(step.NumSeqs * heads.NumHeads * maxPartitions * DecodeAttention.RecordFloats(d))
            : q;
        var views = new AttentionViews(q, output, scratch, metadata.QueryStartLoc, metadata.Positions, metadata.BlockTables);
        var shape = new AttentionShape(heads.NumHeads, heads.NumKvHeads, group, step.BlockSize, step.MaxBlocksPerSeq, partition, maxPartitions, tileRows, 1f / MathF.Sqrt(d));
        var launch = new Launch(stream, keys, values, views, shape, step);
        switch (type, d)
        {
            case (KvCacheType.F32, 8): LaunchKernels<F32Kv, AttentionHeadDim8>(launch); break;
            case (KvCacheType.F32, 16): LaunchKernels<F32Kv, AttentionHeadDim16>(launch); break;
            case (KvCacheType.F32, 64): LaunchKernels<F32Kv, AttentionHeadDim64>(launch); break;
            case (KvCacheType.F32, 96): LaunchKernels<F32Kv, AttentionHeadDim96>(launch); break;
            case (KvCacheType.F32, 128): LaunchKernels<F32Kv, AttentionHeadDim128>(launch); break;
            case (KvCacheType.Bf16, 8): LaunchKernels<Bf16Kv, AttentionHeadDim8>(launch); break;
            case (KvCacheType.Bf16, 16): LaunchKernels<Bf16Kv, AttentionHeadDim16>(launch); break;
            case (KvCacheType.Bf16, 64): LaunchKernels<Bf16Kv, AttentionHeadDim64>(launch); break;
            case (KvCacheType.Bf16, 96): LaunchKernels<Bf16Kv, AttentionHeadDim96>(launch); break;
            case (KvCacheType.Bf16, 128): LaunchKernels<Bf16Kv, AttentionHeadDim128>(launch); break;
            case (KvCacheType.F16, 8): LaunchKernels<F16Kv, AttentionHeadDim8>(launch); break;
            case (KvCacheType.F16, 16): LaunchKernels<F16Kv, AttentionHeadDim16>(launch); break;
            case (KvCacheType.F16, 64): LaunchKernels<F16Kv, AttentionHeadDim64>(launch); break;
            case (KvCacheType.F16, 96): LaunchKernels<F16Kv, AttentionHeadDim96>(launch); break;
            case (KvCacheType.F16, 128): LaunchKernels<F16Kv, AttentionHeadDim128>(launch); break;
            default: throw new NotSupportedException($"PagedAttentionKernels: head_dim {d} has no kernel (have {string.Join(", ", HeadDims)}).");
        }
    }

    private void LaunchKernels<TFormat, THeadDim>(in Launch launch)
        where TFormat : struct, IKvFormat
        where THeadDim : struct, IConst
    {
        var shape = launch.Shape;
        var step = launch.Step;
        var d = THeadDim.Value;
        if (step.NumDecodeSeqs > 0)
        {
            var floats = DecodeAttention.SharedFloats(d, shape.GroupSize, shape.PartitionTokens);
            var config = new KernelConfig(new Index3D(step.NumSeqs, shape.NumKvHeads, shape.MaxPartitions), new Index3D(DecodeAttention.GroupSize, 1, 1), SharedMemoryConfig.RequestDynamic<float>(floats));
            _context.Load(Entries<TFormat, THeadDim>.Decode)(launch.Stream, config, launch.Keys, launch.Values, launch.Views, shape);
            if (shape.MaxPartitions > 1)
            {
                var threads = Math.Min(128, ((d + 31) / 32) * 32);
                _context.Load(ReduceEntry)(launch.Stream, new KernelConfig(new Index3D(step.NumSeqs, shape.NumHeads, 1), new Index3D(threads, 1, 1)), launch.Views, shape, d);
            }
        }
        if (step.MaxQueryLen > 1)
        {
            var floats = PrefillAttention.SharedFloats(d, shape.TileRows * shape.GroupSize);
            var tiles = (step.MaxQueryLen + shape.TileRows - 1) / shape.TileRows;
            var config = new KernelConfig(new Index3D(tiles, step.NumSeqs, shape.NumKvHeads), new Index3D(PrefillAttention.GroupSize, 1, 1), SharedMemoryConfig.RequestDynamic<float>(floats));
            _context.Load(Entries<TFormat, THeadDim>.Prefill)(launch.Stream, config, launch.Keys, launch.Values, launch.Views, shape);
        }
    }

    // Partitions as long as PartitionTokens while the decode group's shared memory stays within 48 KB.
    private int PartitionFor(int headDim, int group)
    {
        var partition = PartitionTokens;
        while (partition > KvTile.Tokens && DecodeAttention.SharedFloats(headDim, group, partition) * sizeof(float) > SharedBytes)
        {
            partition /= 2;
        }
        return partition;
    }

    private ArrayView<float> Partials(long floats)
    {
        if (_partials is null || _partials.Length < floats)
        {
            _partials?.Dispose();
            _partials = _context.Accelerator.Allocate1D<float>(Math.Max(floats, 1));
        }
        return _partials.View;
    }

    private static int PerWord(KvCacheType type) => type == KvCacheType.F32 ? 1 : 2;

    private static GlobalView<uint> Words(ArrayView<uint> words) => new(words, words.LoadEffectiveAddressAsPtr().ToInt64());

    private static readonly Action<AttentionViews, AttentionShape, int> ReduceEntry = DecodeReduce.Kernel;

    private readonly record struct Heads(int NumHeads, int NumKvHeads, int HeadDim);

    private readonly record struct Launch(AcceleratorStream Stream, GlobalView<uint> Keys, GlobalView<uint> Values, AttentionViews Views, AttentionShape Shape, AttentionStep Step);

    // One delegate per instantiation, made once (a method group converted per call would allocate per launch).
    private static class Entries<TFormat, THeadDim>
        where TFormat : struct, IKvFormat
        where THeadDim : struct, IConst
    {
        public static readonly Action<GlobalView<uint>, GlobalView<uint>, AttentionViews, AttentionShape> Decode = DecodeAttention.Kernel<TFormat, THeadDim>;

        public static readonly Action<GlobalView<uint>, GlobalView<uint>, AttentionViews, AttentionShape> Prefill = PrefillAttention.Kernel<TFormat, THeadDim>;
    }
}
