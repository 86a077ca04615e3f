namespace Engine.Backends.Cpu;

/// <summary>A float32 activation buffer (MaxRows, Cols), row-major, in managed memory.</summary>
internal sealed class CpuBuffer(int maxRows, int cols) : IDeviceBuffer
{
    public int MaxRows { get; } = maxRows;

    public int Cols { get; } = cols;

    public float[] Data { get; } = GC.AllocateUninitializedArray<float>(checked(maxRows * cols), pinned: true);

    public Span<float> Row(int r) => Data.AsSpan(r * Cols, Cols);

    public Span<float> Rows(int rows) => Data.AsSpan(0, rows * Cols);
}
