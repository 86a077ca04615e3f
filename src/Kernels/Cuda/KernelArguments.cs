using System.Runtime.CompilerServices;

namespace Kernels.Cuda;

/// <summary>
/// The values of one launch's kernel parameters, in declaration order, kept inline on the caller's stack so
/// a launch allocates nothing. <c>cuLaunchKernel</c> wants an array of pointers, one per parameter, to the
/// value's bytes; <see cref="CudaFunction.Launch(Dim3, Dim3, int, CudaStream?, in KernelArguments)"/> builds that array from the
/// offsets recorded here. Holds at most <see cref="MaxCount"/> parameters and <see cref="MaxBytes"/> bytes.
/// </summary>
/// <example><code>
/// var args = new KernelArguments();
/// args.Add(c); args.Add(a); args.Add(b); args.Add(n);
/// vectorAdd.Launch(Dim3.BlocksFor(n, 256), 256, 0, stream, in args);
/// </code></example>
public ref struct KernelArguments
{
    public const int MaxCount = 32;
    public const int MaxBytes = 512;

    private ArgumentBytes _bytes;
    private ArgumentOffsets _offsets;
    private int _count;
    private int _used;

    public readonly int Count => _count;

    /// <summary>Appends a scalar or struct parameter (its bytes are copied, 8-byte aligned).</summary>
    public void Add<T>(T value)
        where T : unmanaged
    {
        var size = Unsafe.SizeOf<T>();
        var offset = (_used + 7) & ~7;
        if (_count == MaxCount || offset + size > MaxBytes)
        {
            ThrowFull();
        }
        Unsafe.WriteUnaligned(ref _bytes[offset], value);
        _offsets[_count++] = offset;
        _used = offset + size;
    }

    /// <summary>Appends a device pointer parameter (<c>.param .u64</c>) to element 0 of <paramref name="buffer"/>.</summary>
    public void Add<T>(DeviceBuffer<T> buffer)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(buffer);
        Add(buffer.Pointer);
    }

    /// <summary>
    /// Writes the address of each parameter's bytes into <paramref name="pointers"/>. Valid only while this
    /// value stays where it is, which a ref struct on the stack guarantees for the duration of a launch.
    /// </summary>
    internal readonly unsafe void WritePointers(Span<nint> pointers)
    {
        var first = (byte*)Unsafe.AsPointer(ref Unsafe.AsRef(in _bytes[0]));
        for (var i = 0; i < _count; i++)
        {
            pointers[i] = (nint)(first + _offsets[i]);
        }
    }

    private static void ThrowFull() =>
        throw new InvalidOperationException($"A launch takes at most {MaxCount} parameters and {MaxBytes} bytes of them.");

    [InlineArray(MaxBytes)]
    private struct ArgumentBytes
    {
        private byte _element;
    }

    [InlineArray(MaxCount)]
    private struct ArgumentOffsets
    {
        private int _element;
    }
}
