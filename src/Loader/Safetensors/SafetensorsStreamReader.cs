using System.Buffers;
using System.IO.Pipelines;

namespace Loader.Safetensors;

/// <summary>
/// Reads a safetensors file sequentially through a <see cref="PipeReader"/> and hands each tensor to a sink
/// in element-aligned chunks, so device uploads and dtype conversions never hold a whole tensor in memory.
/// The header is validated exactly as <see cref="SafetensorsFile.Open"/> validates it, before any data flows.
/// </summary>
public static class SafetensorsStreamReader
{
    /// <summary>Bytes requested from the file per read.</summary>
    public const int DefaultChunkBytes = 1 << 20;

    /// <summary>
    /// Streams every tensor of <paramref name="path"/> into <paramref name="sink"/>; returns the header
    /// metadata. <paramref name="progress"/>, when given, receives the count of data bytes delivered so far.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(
        string path, ISafetensorsChunkSink sink, IProgress<long>? progress = null, int chunkBytes = DefaultChunkBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 8);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
        var header = SafetensorsHeader.Read(stream, stream.Length, path);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: chunkBytes, minimumReadSize: chunkBytes / 2, leaveOpen: true));
        var scratch = ArrayPool<byte>.Shared.Rent(chunkBytes);
        long delivered = 0;
        try
        {
            foreach (var entry in header.Entries)
            {
                var tensor = entry.Info;
                var elementSize = SafetensorsDtypes.SizeOf(tensor.Dtype);
                var remaining = entry.End - entry.Begin;
                long offsetInTensor = 0;
                sink.BeginTensor(tensor);
                while (remaining > 0)
                {
                    var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    var buffer = result.Buffer;
                    var available = Math.Min(buffer.Length, remaining);
                    // Hand over whole elements only; a split element waits for the next read.
                    var take = Math.Min(available - available % elementSize, chunkBytes - chunkBytes % elementSize);
                    if (take == 0)
                    {
                        if (result.IsCompleted)
                        {
                            throw new SafetensorsFormatException(path, tensor.Name, "file ended inside the tensor's data (was it truncated while reading?)");
                        }
                        reader.AdvanceTo(buffer.Start, buffer.End);
                        continue;
                    }
                    var slice = buffer.Slice(0, take);
                    Deliver(sink, tensor, offsetInTensor, slice, scratch);
                    offsetInTensor += take;
                    remaining -= take;
                    delivered += take;
                    reader.AdvanceTo(slice.End);
                    progress?.Report(delivered);
                }
                sink.EndTensor(tensor);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
            await reader.CompleteAsync().ConfigureAwait(false);
        }
        return header.Metadata;
    }

    private static void Deliver(ISafetensorsChunkSink sink, SafetensorsTensorInfo tensor, long offsetInTensor, ReadOnlySequence<byte> slice, byte[] scratch)
    {
        if (slice.IsSingleSegment)
        {
            sink.WriteChunk(tensor, offsetInTensor, slice.FirstSpan);
            return;
        }
        // Segments can split an element, so a multi-segment slice is gathered into one contiguous span.
        var span = scratch.AsSpan(0, (int)slice.Length);
        slice.CopyTo(span);
        sink.WriteChunk(tensor, offsetInTensor, span);
    }
}
