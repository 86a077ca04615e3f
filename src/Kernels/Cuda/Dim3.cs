namespace Kernels.Cuda;

/// <summary>
/// A grid or block shape. Every extent must be at least 1 when launched; an <c>int</c> converts to (x, 1, 1).
/// </summary>
public readonly record struct Dim3(int X, int Y = 1, int Z = 1)
{
    public static implicit operator Dim3(int x) => new(x);

    public long Volume => (long)X * Y * Z;

    /// <summary>Blocks of <paramref name="blockSize"/> needed to cover <paramref name="count"/> items: ⌈count / blockSize⌉.</summary>
    public static int BlocksFor(long count, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        return checked((int)((count + blockSize - 1) / blockSize));
    }

    public static Dim3 FromInt32(int x) => new(x);
}
