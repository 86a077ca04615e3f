using System.Buffers;
using Loader.Safetensors;

namespace ConvertTool.Dtype;

/// <summary>
/// Receives streamed tensor chunks and writes them to the output file: floating-point tensors converted to
/// the target dtype (DtypeConversion.Convert, chunk by chunk), everything else copied byte for byte.
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
        var targetBytes = chunk.Length / sourceSize * SafetensorsDtypes.SizeOf(target);
        var bytes = ArrayPool<byte>.Shared.Rent(targetBytes);
        try
        {
            DtypeConversion.Convert(tensor.Dtype, chunk, target, bytes.AsSpan(0, targetBytes), file, tensor.Name);
            writer.Write(tensor.Name, offsetInTensor / sourceSize * SafetensorsDtypes.SizeOf(target), bytes.AsSpan(0, targetBytes));
        }
        finally
        {
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
