using Kernels.Language;

namespace Engine.Backends.Cuda.Gemm;

/// <summary>One m16 tile per warp in <see cref="TensorCoreGemm"/>: 32-row blocks (short prompts, little padding).</summary>
public readonly struct MTiles1 : IConst
{
    public static int Value => 1;
}

/// <summary>Two m16 tiles per warp: 64-row blocks.</summary>
public readonly struct MTiles2 : IConst
{
    public static int Value => 2;
}

/// <summary>Four m16 tiles per warp: 128-row blocks (long prefills: each W tile in shared memory serves 128 rows).</summary>
public readonly struct MTiles4 : IConst
{
    public static int Value => 4;
}
