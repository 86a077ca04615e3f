using System.Runtime.InteropServices;
using Kernels.Language;

namespace Kernels.Cpu;

/// <summary>A buffer in the CPU runtime's global memory.</summary>
public sealed class CpuBuffer<T> : IDeviceBuffer<T>
    where T : unmanaged
{
    private readonly CpuMemory _memory;
    private readonly nint _address;

    internal CpuBuffer(CpuMemory memory, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _memory = memory;
        Length = length;
        _address = memory.Allocate(length * Marshal.SizeOf<T>());
    }

    public int Length { get; }

    public ArrayView<T> View => new(_address, Length);

    public void CopyFromHost(ReadOnlySpan<T> source)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(source.Length, Length);
        MemoryMarshal.AsBytes(source).CopyTo(_memory.Buffer(_address));
    }

    public void CopyToHost(Span<T> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(destination.Length, Length);
        _memory.Buffer(_address).AsSpan(0, destination.Length * Marshal.SizeOf<T>()).CopyTo(MemoryMarshal.AsBytes(destination));
    }

    public void Dispose() => _memory.Free(_address);
}
