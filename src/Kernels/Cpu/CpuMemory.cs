namespace Kernels.Cpu;

/// <summary>
/// Global memory of the CPU runtime: each buffer lives at its own virtual base (index + 1) · 2^40, so every
/// device address maps back to one buffer and an access outside it, or misaligned, is caught and named.
/// </summary>
internal sealed class CpuMemory
{
    private const int Shift = 40;
    private readonly List<byte[]?> _buffers = [];
    private readonly Lock _lock = new();

    public nint Allocate(int bytes)
    {
        lock (_lock)
        {
            _buffers.Add(new byte[bytes]);
            return (nint)((long)_buffers.Count << Shift);
        }
    }

    public void Free(nint address)
    {
        lock (_lock)
        {
            _buffers[(int)(((long)address >> Shift) - 1)] = null;
        }
    }

    public byte[] Buffer(nint address) => _buffers[(int)(((long)address >> Shift) - 1)]!;

    /// <summary>The buffer and byte offset of an access of <paramref name="size"/> bytes at <paramref name="address"/>.</summary>
    public Span<byte> Resolve(ulong address, int size, string kernel)
    {
        var index = (long)(address >> Shift) - 1;
        var offset = (long)(address & ((1UL << Shift) - 1));
        byte[]? buffer = index >= 0 && index < _buffers.Count ? _buffers[(int)index] : null;
        if (buffer is null || offset + size > buffer.Length)
        {
            throw new KernelExecutionException(
                $"Kernel {kernel}: global access of {size} bytes at 0x{address:X} is outside every buffer" +
                (buffer is null ? "." : $" (buffer #{index} holds {buffer.Length} bytes, offset {offset})."));
        }
        if (offset % Math.Min(size, 16) != 0)
        {
            throw new KernelExecutionException($"Kernel {kernel}: misaligned global access of {size} bytes at offset {offset} of buffer #{index}.");
        }
        return buffer.AsSpan((int)offset, size);
    }
}
