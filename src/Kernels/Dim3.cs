namespace Kernels;

/// <summary>Grid or block dimensions (CUDA dim3); an int converts to (x, 1, 1).</summary>
public readonly record struct Dim3(int X, int Y = 1, int Z = 1)
{
    public int Volume => X * Y * Z;

    public static implicit operator Dim3(int x) => new(x);

    public static Dim3 FromInt32(int x) => new(x);
}
