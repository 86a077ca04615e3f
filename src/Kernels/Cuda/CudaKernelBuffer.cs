using Kernels.Language;

namespace Kernels.Cuda;

/// <summary>
/// A <see cref="DeviceBuffer{T}"/> seen through <see cref="IDeviceBuffer{T}"/>, as <see cref="CudaKernelRuntime"/>
/// allocates it: zeroed, and with at least one element of device memory behind it so a zero-length buffer
/// still has a valid address (cuMemAlloc refuses 0 bytes) while its <see cref="Length"/> and view say 0.
/// </summary>
public sealed class CudaKernelBuffer<T> : IDeviceBuffer<T>
    where T : unmanaged
{
    internal CudaKernelBuffer(CudaContext context, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        Buffer = DeviceBuffer<T>.Allocate(context, Math.Max(length, 1));
        Buffer.Clear();
    }

    /// <summary>The device memory, for copies and launches through the driver host directly.</summary>
    public DeviceBuffer<T> Buffer { get; }

    public int Length { get; }

    public ArrayView<T> View => new((nint)Buffer.Pointer, Length);

    public void CopyFromHost(ReadOnlySpan<T> source)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(source.Length, Length);
        Buffer.CopyFrom(source);
    }

    public void CopyToHost(Span<T> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(destination.Length, Length);
        Buffer.CopyTo(destination);
    }

    public void Dispose() => Buffer.Dispose();
}
