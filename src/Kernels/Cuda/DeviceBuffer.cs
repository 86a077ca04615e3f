namespace Kernels.Cuda;

/// <summary>
/// <see cref="Length"/> elements of <typeparamref name="T"/> in device memory (<c>cuMemAlloc_v2</c>, 256-byte
/// aligned). Element offsets below are in elements, not bytes. Synchronous copies use pageable host memory
/// and return when the data has arrived; the async ones need <see cref="PinnedHostBuffer{T}"/> so the DMA
/// engine can read the host side while the CPU moves on.
/// </summary>
public sealed unsafe class DeviceBuffer<T> : IDisposable
    where T : unmanaged
{
    private readonly CudaResourceHandle _handle;

    private DeviceBuffer(CudaContext context, CudaResourceHandle handle, long length)
    {
        Context = context;
        _handle = handle;
        Length = length;
    }

    /// <summary>Allocates <paramref name="length"/> elements (contents undefined; call <see cref="Clear"/> for zeros).</summary>
    public static DeviceBuffer<T> Allocate(CudaContext context, long length)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var bytes = checked((nuint)length * (nuint)sizeof(T));
        using var scope = context.Enter();
        ulong pointer;
        CudaCheck.Ok(CudaNative.cuMemAlloc(&pointer, bytes), "cuMemAlloc_v2");
        return new DeviceBuffer<T>(context, new CudaResourceHandle(context.Handle, CudaResourceKind.DeviceMemory, (nint)pointer), length);
    }

    public CudaContext Context { get; }

    public long Length { get; }

    public long SizeInBytes => Length * sizeof(T);

    /// <summary>The device address of element 0: the value a kernel's <c>.param .u64</c> pointer receives.</summary>
    public ulong Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return (ulong)_handle.DangerousGetHandle();
        }
    }

    /// <summary>The device address of element <paramref name="index"/> (0 ≤ index ≤ Length).</summary>
    public ulong PointerAt(long index)
    {
        if ((ulong)index > (ulong)Length)
        {
            CudaCheck.ThrowArgumentOutOfRange(nameof(index), "Element index lies outside the buffer.");
        }
        return Pointer + ((ulong)index * (ulong)sizeof(T));
    }

    /// <summary>Copies <paramref name="source"/> to elements [offset, offset + source.Length).</summary>
    public void CopyFrom(ReadOnlySpan<T> source, long offset = 0)
    {
        var destination = Range(offset, source.Length);
        if (source.IsEmpty)
        {
            return;
        }
        fixed (T* s = source)
        {
            CudaCheck.Ok(CudaNative.cuMemcpyHtoD(destination, s, Bytes(source.Length)), "cuMemcpyHtoD_v2");
        }
    }

    /// <summary>Copies elements [offset, offset + destination.Length) into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<T> destination, long offset = 0)
    {
        var source = Range(offset, destination.Length);
        if (destination.IsEmpty)
        {
            return;
        }
        fixed (T* d = destination)
        {
            CudaCheck.Ok(CudaNative.cuMemcpyDtoH(d, source, Bytes(destination.Length)), "cuMemcpyDtoH_v2");
        }
    }

    /// <summary>Copies all of <paramref name="source"/> (same length or shorter) to the start of this buffer on the device.</summary>
    public void CopyFrom(DeviceBuffer<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var destination = Range(0, source.Length);
        CudaCheck.Ok(CudaNative.cuMemcpyDtoD(destination, source.Pointer, Bytes(source.Length)), "cuMemcpyDtoD_v2");
    }

    /// <summary>Queues a copy of <paramref name="source"/> to elements [offset, offset + source.Length) on <paramref name="stream"/>.</summary>
    public void CopyFromAsync(PinnedHostBuffer<T> source, CudaStream? stream, long offset = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        var destination = Range(offset, source.Length);
        CudaCheck.Ok(
            CudaNative.cuMemcpyHtoDAsync(destination, (void*)source.Pointer, Bytes(source.Length), CudaStream.HandleOf(stream)),
            "cuMemcpyHtoDAsync_v2");
    }

    /// <summary>Queues a copy of elements [offset, offset + destination.Length) into <paramref name="destination"/> on <paramref name="stream"/>.</summary>
    public void CopyToAsync(PinnedHostBuffer<T> destination, CudaStream? stream, long offset = 0)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var source = Range(offset, destination.Length);
        CudaCheck.Ok(
            CudaNative.cuMemcpyDtoHAsync((void*)destination.Pointer, source, Bytes(destination.Length), CudaStream.HandleOf(stream)),
            "cuMemcpyDtoHAsync_v2");
    }

    /// <summary>Queues a device-to-device copy of all of <paramref name="source"/> to the start of this buffer.</summary>
    public void CopyFromAsync(DeviceBuffer<T> source, CudaStream? stream)
    {
        ArgumentNullException.ThrowIfNull(source);
        var destination = Range(0, source.Length);
        CudaCheck.Ok(
            CudaNative.cuMemcpyDtoDAsync(destination, source.Pointer, Bytes(source.Length), CudaStream.HandleOf(stream)),
            "cuMemcpyDtoDAsync_v2");
    }

    /// <summary>
    /// Sets every byte to zero (<c>cuMemsetD8_v2</c>); zero bits are 0 and +0.0 for every numeric T. Runs on the
    /// legacy default stream, so work on a non-blocking <see cref="CudaStream"/> is not ordered after it: use
    /// <see cref="ClearAsync"/> there.
    /// </summary>
    public void Clear() => CudaCheck.Ok(CudaNative.cuMemsetD8(Pointer, 0, (nuint)SizeInBytes), "cuMemsetD8_v2");

    /// <summary>Queues <see cref="Clear"/> on <paramref name="stream"/>.</summary>
    public void ClearAsync(CudaStream? stream) =>
        CudaCheck.Ok(CudaNative.cuMemsetD8Async(Pointer, 0, (nuint)SizeInBytes, CudaStream.HandleOf(stream)), "cuMemsetD8Async");

    /// <summary>
    /// Writes the 32-bit pattern <paramref name="bits"/> to every 4-byte word (<c>cuMemsetD32_v2</c>), e.g.
    /// <c>BitConverter.SingleToUInt32Bits(1f)</c> fills a float buffer with ones. The size must be a multiple of
    /// 4 bytes. Runs on the legacy default stream, like <see cref="Clear"/>.
    /// </summary>
    public void Fill32(uint bits) =>
        CudaCheck.Ok(CudaNative.cuMemsetD32(Pointer, bits, Words()), "cuMemsetD32_v2");

    /// <summary>Queues <see cref="Fill32"/> on <paramref name="stream"/>.</summary>
    public void Fill32Async(uint bits, CudaStream? stream) =>
        CudaCheck.Ok(CudaNative.cuMemsetD32Async(Pointer, bits, Words(), CudaStream.HandleOf(stream)), "cuMemsetD32Async");

    public void Dispose() => _handle.Dispose();

    private nuint Words()
    {
        if (SizeInBytes % 4 != 0)
        {
            throw new InvalidOperationException($"Fill32 needs a size that is a multiple of 4 bytes; this buffer has {SizeInBytes}.");
        }
        return (nuint)(SizeInBytes / 4);
    }

    private static nuint Bytes(long count) => (nuint)count * (nuint)sizeof(T);

    /// <summary>The device address of element <paramref name="offset"/> after checking [offset, offset + count) fits.</summary>
    private ulong Range(long offset, long count)
    {
        if (offset < 0 || count > Length || offset > Length - count)
        {
            CudaCheck.ThrowArgumentOutOfRange(nameof(offset), "The copy range lies outside the device buffer.");
        }
        return Pointer + ((ulong)offset * (ulong)sizeof(T));
    }
}
