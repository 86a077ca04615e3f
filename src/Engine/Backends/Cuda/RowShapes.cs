using ILGPU;
using ILGPU.Runtime;

namespace Engine.Backends.Cuda;

/// <summary>
/// Host-side shape checks and launch shapes for the row kernels. A kernel indexing past a view aborts the
/// process on ILGPU's CPU accelerator and faults the context on CUDA, so every launch is checked here first.
/// </summary>
internal static class RowShapes
{
    /// <summary>Threads per group of the row kernels: 256 (8 warps), the CPU accelerator's largest group too.</summary>
    public const int GroupSize = 256;

    public static void Check(string op, int rows, int cols, long input, long output, long weight)
    {
        if (rows < 0 || cols <= 0 || (long)rows * cols > input || (long)rows * cols > output || weight < cols)
        {
            throw new ArgumentException(
                $"{op}: {rows} rows of {cols} need {(long)rows * cols} elements in and out and {cols} weights; got input {input}, output {output}, weight {weight}.");
        }
    }

    /// <summary>One group per row, as many warps as the row can use (at least one, at most <see cref="GroupSize"/> threads).</summary>
    public static KernelConfig OneGroupPerRow(int rows, int cols)
    {
        var threads = Math.Min(GroupSize, ((cols + 31) / 32) * 32);
        return new KernelConfig(rows, threads);
    }

    /// <summary>One thread per element of <paramref name="count"/>, in groups of <see cref="GroupSize"/>.</summary>
    public static KernelConfig OneThreadPerElement(long count) =>
        new((int)((count + GroupSize - 1) / GroupSize), GroupSize);
}
