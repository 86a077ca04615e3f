using System.Buffers;

namespace Engine.Model;

/// <summary>
/// Exposes a tensor's bytes inside a memory-mapped checkpoint as <see cref="Memory{T}"/> without copying. The
/// mapping never moves, so pinning is a no-op; the owner (the open checkpoint) must outlive every use.
/// </summary>
internal sealed unsafe class MappedTensorMemory(byte* pointer, int length, object owner) : MemoryManager<byte>
{
    // Keeps the checkpoint (and so the mapping) reachable for as long as the weights are.
    public object Owner { get; } = owner;

    public override Span<byte> GetSpan() => new(pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
