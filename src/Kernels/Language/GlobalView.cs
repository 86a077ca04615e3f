using ILGPU;
using ILGPU.Runtime;

namespace Kernels.Language;

/// <summary>
/// A global-memory view together with its device address. ILGPU 1.5.3 gives a kernel no way to turn an element
/// reference into an address (pointer-to-integer casts and <c>Unsafe.AsPointer</c> are unsupported), so inline
/// PTX that needs one (<c>ld.global.nc</c>, <c>cp.async</c>) gets it from the host, which knows the buffer's
/// address. The CPU bodies read <see cref="View"/> and never the address.
/// </summary>
public readonly struct GlobalView<T>
    where T : unmanaged
{
    public GlobalView(ArrayView<T> view, long address)
    {
        View = view;
        Address = address;
    }

    public ArrayView<T> View { get; }

    /// <summary>The device address of element 0 (the host address on the CPU accelerator).</summary>
    public long Address { get; }

    public int Length => View.IntLength;

    /// <summary>The address of element <paramref name="index"/> as the two 32-bit halves inline PTX takes (a 64-bit operand costs a stack slot in ILGPU's inline PTX).</summary>
    internal (uint Low, uint High) AddressOf(int index)
    {
        var address = Address + ((long)index * Interop.SizeOf<T>());
        return ((uint)address, (uint)(address >> 32));
    }
}

/// <summary>Makes <see cref="GlobalView{T}"/>s on the host.</summary>
public static class GlobalView
{
    public static GlobalView<T> Of<T>(MemoryBuffer1D<T, Stride1D.Dense> buffer)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArrayView<T> view = buffer.View;
        return new GlobalView<T>(view, view.LoadEffectiveAddressAsPtr().ToInt64());
    }
}
