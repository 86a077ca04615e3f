using Engine.Backends.Cpu;
using Engine.Backends.Cuda.Attention;
using Engine.Execution;
using Kernels;
using Kernels.SelfTest;

namespace Engine.Tests.Backends.Cuda.Attention;

/// <summary>
/// One attention step built twice from the same numbers: a CpuKvCache and ForwardBatch for the CPU backend's
/// PagedAttention (the reference), and the device arrays for <see cref="PagedAttentionKernels"/>. The cache holds
/// random values already rounded to the cache type, so both sides attend over identical keys and values and
/// differ only in float32 summation order and exp; block tables are a shuffled permutation of the blocks, so
/// consecutive positions never sit in consecutive blocks.
/// </summary>
/// <param name="Sequences">(cached tokens before this step, new tokens) of each sequence.</param>
internal sealed record AttentionScenario(KvCacheType Type, int HeadDim, int NumKvHeads, int GroupSize, int BlockSize, (int Cached, int New)[] Sequences, int Seed)
{
    public int NumHeads => NumKvHeads * GroupSize;

    public override string ToString() =>
        $"{Type} d={HeadDim} kv={NumKvHeads} G={GroupSize} B={BlockSize} seqs=[{string.Join(", ", Sequences.Select(s => $"{s.Cached}+{s.New}"))}]";

    /// <summary>The CPU backend's output and the kernels' output for this step, (tokens, n_heads · head_dim) each.</summary>
    public (float[] Expected, float[] Actual) Run(KernelContext context, ILGPU.Runtime.AcceleratorStream stream, int partitionTokens)
    {
        var blocksPerSeq = Sequences.Select(s => (s.Cached + s.New + BlockSize - 1) / BlockSize).ToArray();
        var numBlocks = blocksPerSeq.Sum() + 1;
        var maxBlocks = blocksPerSeq.Max();
        var tokens = Sequences.Sum(s => s.New);
        var random = new Random(Seed);
        var order = Enumerable.Range(0, numBlocks).OrderBy(_ => random.Next()).ToArray();
        var batch = new ForwardBatch(tokens, Sequences.Length, maxBlocks, BlockSize);
        var next = 0;
        for (var s = 0; s < Sequences.Length; s++)
        {
            var table = order.AsSpan(next, blocksPerSeq[s]);
            next += blocksPerSeq[s];
            batch.AddSequence(new int[Sequences[s].New], Sequences[s].Cached, table, computeLogits: true);
        }

        var cacheLength = numBlocks * BlockSize * NumKvHeads * HeadDim;
        var keys = KvValues.Rounded(Expect.RandomFloats(cacheLength, Seed + 1), Type);
        var values = KvValues.Rounded(Expect.RandomFloats(cacheLength, Seed + 2), Type);
        var q = Expect.RandomFloats(tokens * NumHeads * HeadDim, Seed + 3);

        return (Reference(batch, numBlocks, keys, values, q), Device(context, stream, partitionTokens, batch, keys, values, q));
    }

    private float[] Reference(ForwardBatch batch, int numBlocks, float[] keys, float[] values, float[] q)
    {
        using var cpu = new CpuBackend(threads: 1);
        var cache = (CpuKvCache)cpu.AllocateKvCache(1, numBlocks, BlockSize, NumKvHeads, HeadDim);
        // keys and values are slot-major (the device cache's layout); the CPU cache stores them head-major
        var slotWidth = NumKvHeads * HeadDim;
        for (var slot = 0; slot < numBlocks * BlockSize; slot++)
        {
            cache.WriteSlot(0, slot, keys.AsSpan(slot * slotWidth, slotWidth), values.AsSpan(slot * slotWidth, slotWidth));
        }
        var width = NumHeads * HeadDim;
        var cq = CudaRowKernelTests.Buffer(cpu, batch.NumTokens, width, q);
        var output = cpu.AllocateBuffer(batch.NumTokens, width);
        cpu.BeginStep(batch);
        cpu.PagedAttention(cq, cache, 0, batch, NumHeads, output);
        return CudaRowKernelTests.Rows(cpu, output, batch.NumTokens, width);
    }

    private float[] Device(KernelContext context, ILGPU.Runtime.AcceleratorStream stream, int partitionTokens, ForwardBatch batch, float[] keys, float[] values, float[] q)
    {
        using var kernels = new PagedAttentionKernels(context) { PartitionTokens = partitionTokens };
        using var dq = Expect.Upload(context, q);
        using var dout = Expect.Zeros<float>(context, q.Length);
        using var starts = Expect.Upload(context, batch.QueryStartLoc.ToArray());
        using var positions = Expect.Upload(context, batch.Positions.ToArray());
        using var tables = Expect.Upload(context, batch.BlockTables.ToArray());
        var metadata = new AttentionMetadata(starts.View, positions.View, tables.View);
        var step = AttentionStep.From(batch);
        if (Type == KvCacheType.F32)
        {
            using var dk = Expect.Upload(context, keys);
            using var dv = Expect.Upload(context, values);
            kernels.Run(stream, dq.View, dout.View, dk.View, dv.View, metadata, step, NumHeads, NumKvHeads, HeadDim);
            stream.Synchronize();
        }
        else
        {
            using var dk = Expect.Upload(context, KvValues.Bits(keys, Type));
            using var dv = Expect.Upload(context, KvValues.Bits(values, Type));
            kernels.Run(stream, dq.View, dout.View, dk.View, dv.View, Type, metadata, step, NumHeads, NumKvHeads, HeadDim);
            stream.Synchronize();
        }
        return Expect.Download(dout);
    }
}

/// <summary>Host-side rounding of cache values to bf16/f16 (the BCL's correctly rounded conversions) and their bit patterns.</summary>
internal static class KvValues
{
    public static float[] Rounded(float[] values, KvCacheType type) => type switch
    {
        KvCacheType.Bf16 => values.Select(v => BitConverter.UInt32BitsToSingle((uint)Bf16Bits(v) << 16)).ToArray(),
        KvCacheType.F16 => values.Select(v => (float)(Half)v).ToArray(),
        _ => values,
    };

    /// <summary>The 16-bit patterns of values already representable in <paramref name="type"/>.</summary>
    public static ushort[] Bits(float[] values, KvCacheType type) =>
        type == KvCacheType.Bf16
            ? values.Select(v => (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)).ToArray()
            : values.Select(v => BitConverter.HalfToUInt16Bits((Half)v)).ToArray();

    // round to nearest, ties to even (finite inputs only here)
    private static ushort Bf16Bits(float value)
    {
        var x = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((x + 0x7FFFu + ((x >> 16) & 1u)) >> 16);
    }
}
