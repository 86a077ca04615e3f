using System.Runtime.CompilerServices;

namespace Kernels.Language;

/// <summary>
/// A view of <see cref="Length"/> elements of <typeparamref name="T"/> in device global memory: a 64-bit
/// address and a 32-bit length, passed to PTX as two parameters. The indexer returns a reference, so
/// <c>view[i] += x</c> is one load and one store. No bounds check on the device (the CPU runtime checks).
/// </summary>
public readonly struct ArrayView<T>(nint pointer, int length)
    where T : unmanaged
{
    /// <summary>The device address of element 0 (a virtual address on the CPU runtime).</summary>
    public readonly nint Pointer = pointer;

    public readonly int Length = length;

    public unsafe ref T this[int index]
    {
        [Intrinsic(Intrinsic.ViewElement)]
        get => ref Unsafe.AsRef<T>((void*)(Pointer + ((nint)index * sizeof(T))));
    }

    public int Count { [Intrinsic(Intrinsic.ViewLength)] get => Length; }

    /// <summary>Elements [start, start + length) as a view; no check that they lie inside this one.</summary>
    [Intrinsic(Intrinsic.ViewSlice)]
    public unsafe ArrayView<T> Slice(int start, int length) => new(Pointer + ((nint)start * sizeof(T)), length);
}
