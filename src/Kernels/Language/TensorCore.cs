using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Kernels.Language;

/// <summary>
/// Warp-wide tensor-core operations with the PTX fragment layouts; all 32 lanes of the warp take part.
/// mma.sync.aligned.m16n8k16.row.col.f32.{bf16,f16}.{bf16,f16}.f32: D(16×8) = A(16×16)·B(16×8) + C, where lane l
/// (group g = l/4, t = l%4) holds A rows g and g+8, columns 2t..2t+1 and 2t+8..2t+9 in a.X..a.W (a.X: row g,
/// a.Y: row g+8, a.Z: row g cols +8, a.W: row g+8 cols +8), B column g, rows 2t..2t+1 and 2t+8..2t+9 in b.X, b.Y,
/// and C/D rows g, g+8, columns 2t, 2t+1 in X,Y / Z,W. Each word packs two 16-bit values, the lower column (or
/// row, for B) in bits 0..15. The CPU bodies gather the fragments with warp shuffles and accumulate in k order.
/// The variants repeat their CUDA bodies because ILGPU needs each inline-PTX string as a literal constant.
/// </summary>
public static class TensorCore
{
    public static Float4 MmaBf16(UInt4 a, UInt2 b, Float4 c)
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            Ref<float> d0 = c.X, d1 = c.Y, d2 = c.Z, d3 = c.W;
            Input<uint> a0 = a.X, a1 = a.Y, a2 = a.Z, a3 = a.W, b0 = b.X, b1 = b.Y;
            CudaAsm.EmitRef(
                "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};",
                ref d0, ref d1, ref d2, ref d3, ref a0, ref a1, ref a2, ref a3, ref b0, ref b1);
            return new Float4(d0.Value, d1.Value, d2.Value, d3.Value);
        }
        return MmaOnCpu.Multiply(a, b, c, bf16: true);
    }

    public static Float4 MmaF16(UInt4 a, UInt2 b, Float4 c)
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            Ref<float> d0 = c.X, d1 = c.Y, d2 = c.Z, d3 = c.W;
            Input<uint> a0 = a.X, a1 = a.Y, a2 = a.Z, a3 = a.W, b0 = b.X, b1 = b.Y;
            CudaAsm.EmitRef(
                "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};",
                ref d0, ref d1, ref d2, ref d3, ref a0, ref a1, ref a2, ref a3, ref b0, ref b1);
            return new Float4(d0.Value, d1.Value, d2.Value, d3.Value);
        }
        return MmaOnCpu.Multiply(a, b, c, bf16: false);
    }

    /// <summary>
    /// ldmatrix.sync.aligned.m8n8.x1.shared.b16: lanes 0..7 give the addresses of the 8 rows (8 × 16 bits, 16-byte
    /// aligned) of one 8×8 matrix as an element index into <paramref name="dynamicShared"/>, which must be
    /// <c>SharedMemory.GetDynamic&lt;ushort&gt;()</c>; lane l receives row l/4, elements 2(l%4) and 2(l%4)+1.
    /// </summary>
    public static uint LoadMatrixX1(ArrayView<ushort> dynamicShared, int rowIndex)
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            CudaAsm.Emit(
                "{ .reg .u32 sa; mov.u32 sa, __dyn_shared_alloca; add.u32 sa, sa, %1; ldmatrix.sync.aligned.m8n8.x1.shared.b16 {%0}, [sa]; }",
                out uint r0, rowIndex * 2);
            return r0;
        }
        return LdMatrixOnCpu.Word(dynamicShared, rowIndex, 0, transpose: false);
    }

    /// <summary>ldmatrix .x1.trans: as <see cref="LoadMatrixX1"/> with the matrix transposed.</summary>
    public static uint LoadMatrixX1Trans(ArrayView<ushort> dynamicShared, int rowIndex)
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            CudaAsm.Emit(
                "{ .reg .u32 sa; mov.u32 sa, __dyn_shared_alloca; add.u32 sa, sa, %1; ldmatrix.sync.aligned.m8n8.x1.trans.shared.b16 {%0}, [sa]; }",
                out uint r0, rowIndex * 2);
            return r0;
        }
        return LdMatrixOnCpu.Word(dynamicShared, rowIndex, 0, transpose: true);
    }

    /// <summary>ldmatrix .x2: matrices 0 and 1 from the row addresses of lanes 0..7 and 8..15.</summary>
    public static UInt2 LoadMatrixX2(ArrayView<ushort> dynamicShared, int rowIndex)
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            Output<uint> r0 = default, r1 = default;
            Input<int> offset = rowIndex * 2;
            CudaAsm.EmitRef(
                "{ .reg .u32 sa; mov.u32 sa, __dyn_shared_alloca; add.u32 sa, sa, %2; ldmatrix.sync.aligned.m8n8.x2.shared.b16 {%0,%1}, [sa]; }",
                ref r0, ref r1, ref offset);
            return new UInt2(r0.Value, r1.Value);
        }
        return LdMatrixOnCpu.X2(dynamicShared, rowIndex, transpose: false);
    }

    /// <summary>ldmatrix .x2.trans: as <see cref="LoadMatrixX2"/> with each 8×8 matrix transposed (B fragments from k-major rows).</summary>
    public static UInt2 LoadMatrixX2Trans(ArrayView<ushort> dynamicShared, int rowIndex)
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            Output<uint> r0 = default, r1 = default;
            Input<int> offset = rowIndex * 2;
            CudaAsm.EmitRef(
                "{ .reg .u32 sa; mov.u32 sa, __dyn_shared_alloca; add.u32 sa, sa, %2; ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16 {%0,%1}, [sa]; }",
                ref r0, ref r1, ref offset);
            return new UInt2(r0.Value, r1.Value);
        }
        return LdMatrixOnCpu.X2(dynamicShared, rowIndex, transpose: true);
    }

    /// <summary>ldmatrix .x4: matrices 0..3 from the row addresses of lanes 8i..8i+7 (an m16n8k16 A fragment).</summary>
    public static UInt4 LoadMatrixX4(ArrayView<ushort> dynamicShared, int rowIndex)
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            Output<uint> r0 = default, r1 = default, r2 = default, r3 = default;
            Input<int> offset = rowIndex * 2;
            CudaAsm.EmitRef(
                "{ .reg .u32 sa; mov.u32 sa, __dyn_shared_alloca; add.u32 sa, sa, %4; ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [sa]; }",
                ref r0, ref r1, ref r2, ref r3, ref offset);
            return new UInt4(r0.Value, r1.Value, r2.Value, r3.Value);
        }
        return LdMatrixOnCpu.X4(dynamicShared, rowIndex, transpose: false);
    }

    /// <summary>ldmatrix .x4.trans: as <see cref="LoadMatrixX4"/> with each matrix transposed.</summary>
    public static UInt4 LoadMatrixX4Trans(ArrayView<ushort> dynamicShared, int rowIndex)
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            Output<uint> r0 = default, r1 = default, r2 = default, r3 = default;
            Input<int> offset = rowIndex * 2;
            CudaAsm.EmitRef(
                "{ .reg .u32 sa; mov.u32 sa, __dyn_shared_alloca; add.u32 sa, sa, %4; ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [sa]; }",
                ref r0, ref r1, ref r2, ref r3, ref offset);
            return new UInt4(r0.Value, r1.Value, r2.Value, r3.Value);
        }
        return LdMatrixOnCpu.X4(dynamicShared, rowIndex, transpose: true);
    }
}
