using System.Buffers;
using Loader.Safetensors;

namespace Convert.Dtype;

/// <summary>
/// Receives streamed tensor chunks and writes them to the output file: floating-point tensors converted to
/// the target dtype through float32 (chunk by chunk, pooled buffers), everything else copied byte for byte.
/// </summary>
internal sealed class ConvertingSink(SafetensorsWriter writer, SafetensorsDtype target, string file) : ISafetensorsChunkSink
{
    public void BeginTensor(SafetensorsTensorInfo tensor)
    {
    }

    public void WriteChunk(SafetensorsTensorInfo tensor, long offsetInTensor, ReadOnlySpan<byte> chunk)
    {
        if (!ShouldConvert(tensor.Dtype, target))
        {
            writer.Write(tensor.Name, offsetInTensor, chunk);
            return;
        }
        var sourceSize = SafetensorsDtypes.SizeOf(tensor.Dtype);
        var targetSize = SafetensorsDtypes.SizeOf(target);
        var count = chunk.Length / sourceSize;
        var floats = ArrayPool<float>.Shared.Rent(count);
        var bytes = ArrayPool<byte>.Shared.Rent(count * targetSize);
        try
        {
            DtypeConversion.ToFloat32(tensor.Dtype, chunk, floats.AsSpan(0, count), file, tensor.Name);
            DtypeConversion.FromFloat32(floats.AsSpan(0, count), target, bytes.AsSpan(0, count * targetSize), file, tensor.Name);
            writer.Write(tensor.Name, offsetInTensor / sourceSize * targetSize, bytes.AsSpan(0, count * targetSize));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(floats);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    public void EndTensor(SafetensorsTensorInfo tensor)
    {
    }

    /// <summary>Only floating-point tensors change dtype; integer and boolean tensors (ids, masks) keep theirs.</summary>
    public static bool ShouldConvert(SafetensorsDtype source, SafetensorsDtype target) =>
        source != target && SafetensorsDtypes.IsFloatingPoint(source);
}
