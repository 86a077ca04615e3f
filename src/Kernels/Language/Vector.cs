namespace Kernels.Language;

/// <summary>
/// 128-bit global loads and stores (ld.global.v4.f32 / v4.b32). <c>index</c> counts elements and must be a
/// multiple of 4 (16-byte alignment); the device faults on misaligned addresses, the CPU runtime throws.
/// </summary>
public static class Vector
{
    [Intrinsic(Intrinsic.LoadVector4)]
    public static Float4 Load4(ArrayView<float> view, int index) => new(view[index], view[index + 1], view[index + 2], view[index + 3]);

    [Intrinsic(Intrinsic.LoadVector4)]
    public static UInt4 Load4(ArrayView<uint> view, int index) => new(view[index], view[index + 1], view[index + 2], view[index + 3]);

    [Intrinsic(Intrinsic.StoreVector4)]
    public static void Store4(ArrayView<float> view, int index, Float4 value)
    {
        view[index] = value.X;
        view[index + 1] = value.Y;
        view[index + 2] = value.Z;
        view[index + 3] = value.W;
    }

    [Intrinsic(Intrinsic.StoreVector4)]
    public static void Store4(ArrayView<uint> view, int index, UInt4 value)
    {
        view[index] = value.X;
        view[index + 1] = value.Y;
        view[index + 2] = value.Z;
        view[index + 3] = value.W;
    }
}
