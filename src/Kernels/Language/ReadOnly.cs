using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Kernels.Language;

/// <summary>
/// 128-bit loads through the read-only (non-coherent) data path: <c>ld.global.nc.v4</c>. Only for data no
/// thread writes during the kernel. <c>index</c> counts elements and must be a multiple of 4 (16-byte
/// alignment; the device faults on a misaligned address).
/// </summary>
public static class ReadOnly
{
    public static Float4 Load4(GlobalView<float> x, int index)
    {
        // The same 128 bits as four words, reinterpreted: one load instruction for both element types.
        var words = Load4(new GlobalView<uint>(x.View.Cast<uint>(), x.Address), index);
        return new Float4(Interop.IntAsFloat(words.X), Interop.IntAsFloat(words.Y), Interop.IntAsFloat(words.Z), Interop.IntAsFloat(words.W));
    }

    public static UInt4 Load4(GlobalView<uint> x, int index)
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            var (low, high) = x.AddressOf(index);
            Output<uint> v0 = default, v1 = default, v2 = default, v3 = default;
            Input<uint> a0 = low, a1 = high;
            CudaAsm.EmitRef(
                "{ .reg .b64 ga; mov.b64 ga, {%4,%5}; ld.global.nc.v4.u32 {%0,%1,%2,%3}, [ga]; }",
                ref v0, ref v1, ref v2, ref v3, ref a0, ref a1);
            return new UInt4(v0.Value, v1.Value, v2.Value, v3.Value);
        }
        var view = x.View;
        return new UInt4(view[index], view[index + 1], view[index + 2], view[index + 3]);
    }
}
