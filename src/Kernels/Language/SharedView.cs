using System.Runtime.CompilerServices;

namespace Kernels.Language;

/// <summary>
/// A view of block-shared memory (PTX <c>.shared</c>), from <see cref="Shared.Allocate{T, TSize}"/> or
/// <see cref="Shared.Dynamic{T}"/>. Visible to all threads of a block; contents are undefined at launch.
/// </summary>
public readonly struct SharedView<T>(nint pointer, int length)
    where T : unmanaged
{
    public readonly nint Pointer = pointer;

    public readonly int Length = length;

    public unsafe ref T this[int index]
    {
        [Intrinsic(Intrinsic.SharedElement)]
        get => ref Unsafe.AsRef<T>((void*)(Pointer + ((nint)index * sizeof(T))));
    }

    public int Count { [Intrinsic(Intrinsic.SharedLength)] get => Length; }
}
