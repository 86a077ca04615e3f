namespace Kernels;

/// <summary>
/// A grid or block shape (CUDA dim3), shared by the CPU execution and the CUDA host. Every extent must be at
/// least 1 when launched; an <c>int</c> converts to (x, 1, 1).
/// </summary>
public readonly record struct Dim3(int X, int Y = 1, int Z = 1)
{
    /// <summary>X · Y · Z; a block's volume is at most 1024, so callers may narrow it to int after checking.</summary>
    public long Volume => (long)X * Y * Z;

    public static implicit operator Dim3(int x) => new(x);

    public static Dim3 FromInt32(int x) => new(x);

    /// <summary>Blocks of <paramref name="blockSize"/> needed to cover <paramref name="count"/> items: ⌈count / blockSize⌉.</summary>
    public static int BlocksFor(long count, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        return checked((int)((count + blockSize - 1) / blockSize));
    }
}
