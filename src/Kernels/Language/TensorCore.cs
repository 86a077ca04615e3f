namespace Kernels.Language;

/// <summary>
/// Warp-wide tensor-core operations with the PTX fragment layouts (all 32 lanes take part).
/// mma.sync.aligned.m16n8k16.row.col.f32.{bf16,f16}.{bf16,f16}.f32: D(16x8) = A(16x16) * B(16x8) + C, where lane l
/// (group g = l/4, t = l%4) holds A rows g and g+8, columns 2t..2t+1 and 2t+8..2t+9 in a.X..a.W, B column g,
/// rows 2t..2t+1 and 2t+8..2t+9 in b.X, b.Y, and C/D rows g, g+8, columns 2t, 2t+1 in X,Y / Z,W.
/// </summary>
public static class TensorCore
{
    [Intrinsic(Intrinsic.MmaBf16)]
    public static Float4 MmaBf16(UInt4 a, UInt2 b, Float4 c) => throw OutsideKernel.Error(nameof(MmaBf16));

    [Intrinsic(Intrinsic.MmaF16)]
    public static Float4 MmaF16(UInt4 a, UInt2 b, Float4 c) => throw OutsideKernel.Error(nameof(MmaF16));

    /// <summary>
    /// ldmatrix.sync.aligned.m8n8.x4.shared.b16: lanes 8i..8i+7 give the row addresses of 8x8 matrix i
    /// (16 bytes each, 16-byte aligned); lane l receives row l/4, elements 2(l%4), 2(l%4)+1 of matrix i in word i.
    /// </summary>
    [Intrinsic(Intrinsic.LdMatrixX4)]
    public static UInt4 LoadMatrixX4(ref ushort row) => throw OutsideKernel.Error(nameof(LoadMatrixX4));

    /// <summary>ldmatrix .x2: matrices 0 and 1 from the addresses of lanes 0..15.</summary>
    [Intrinsic(Intrinsic.LdMatrixX2)]
    public static UInt2 LoadMatrixX2(ref ushort row) => throw OutsideKernel.Error(nameof(LoadMatrixX2));

    /// <summary>ldmatrix .x2.trans: as <see cref="LoadMatrixX2"/> with each 8x8 matrix transposed.</summary>
    [Intrinsic(Intrinsic.LdMatrixX2Trans)]
    public static UInt2 LoadMatrixX2Trans(ref ushort row) => throw OutsideKernel.Error(nameof(LoadMatrixX2Trans));
}
