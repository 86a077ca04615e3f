using Kernels.Language;

namespace Engine.Backends.Cuda.Attention;

// Head sizes the attention kernels are specialised for (loops over head_dim unroll; shared strides fold).
// 64, 96 and 128 are the models' sizes; 8 and 16 keep the CPU-accelerator tests small.

/// <summary>head_dim 8 (tests).</summary>
public readonly struct AttentionHeadDim8 : IConst
{
    public static int Value => 8;
}

/// <summary>head_dim 16 (tests).</summary>
public readonly struct AttentionHeadDim16 : IConst
{
    public static int Value => 16;
}

/// <summary>head_dim 64.</summary>
public readonly struct AttentionHeadDim64 : IConst
{
    public static int Value => 64;
}

/// <summary>head_dim 96.</summary>
public readonly struct AttentionHeadDim96 : IConst
{
    public static int Value => 96;
}

/// <summary>head_dim 128.</summary>
public readonly struct AttentionHeadDim128 : IConst
{
    public static int Value => 128;
}
