namespace Engine.Backends.Cuda;

/// <summary>
/// The KV cache's share of GPU memory, vLLM's rule: of <c>total · utilization</c>, what the weights and workspace
/// (everything allocated so far, by this process and any other: <c>total − free</c>) leave. Sized after the weights
/// are uploaded, so it needs no model arithmetic. A pure function of its numbers, tested as such.
/// </summary>
/// <param name="NumBlocks">KV-cache blocks that fit.</param>
/// <param name="KvCacheBytes">NumBlocks · bytes per block.</param>
/// <param name="MaxConcurrentSequences">Sequences of full context the blocks hold at once.</param>
public sealed record GpuMemoryPlan(long TotalBytes, long FreeBytes, double Utilization, int NumBlocks, long KvCacheBytes, int MaxConcurrentSequences)
{
    /// <param name="totalBytes">The device's memory.</param>
    /// <param name="freeBytes">Free device memory now, after the weights and workspace.</param>
    /// <param name="utilization">The fraction of <paramref name="totalBytes"/> the engine may use, in (0, 1].</param>
    /// <param name="bytesPerBlock">Keys and values of every layer for one block of tokens.</param>
    /// <param name="blocksPerSequence">Blocks of one full-context sequence (one must always fit).</param>
    /// <exception cref="InsufficientGpuMemoryException">Not even one full-context sequence fits; the message names the numbers.</exception>
    public static GpuMemoryPlan Size(long totalBytes, long freeBytes, double utilization, long bytesPerBlock, int blocksPerSequence)
    {
        if (!(utilization > 0 && utilization <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(utilization), utilization, "--gpu-memory-utilization must be in (0, 1].");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerBlock);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blocksPerSequence);
        var used = totalBytes - freeBytes;
        var budget = (long)(totalBytes * utilization);
        var kvBytes = Math.Max(0, budget - used);
        var blocks = (int)Math.Min(int.MaxValue, kvBytes / bytesPerBlock);
        if (blocks < blocksPerSequence)
        {
            throw new InsufficientGpuMemoryException(
                $"Not enough GPU memory for the KV cache: {Mib(totalBytes)} MiB × utilization {utilization} = {Mib(budget)} MiB, of which {Mib(used)} MiB are in use "
                + $"(weights, workspace, other processes), leaves {Mib(kvBytes)} MiB; one sequence of full context needs {blocksPerSequence} blocks of "
                + $"{bytesPerBlock} bytes = {Mib(blocksPerSequence * bytesPerBlock)} MiB. Raise --gpu-memory-utilization, use a smaller KV dtype or a smaller model.");
        }
        return new GpuMemoryPlan(totalBytes, freeBytes, utilization, blocks, blocks * bytesPerBlock, blocks / blocksPerSequence);
    }

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
}
